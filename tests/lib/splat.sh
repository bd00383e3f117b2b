# SPDX-License-Identifier: GPL-2.0
#
# The kernel-log lines that fail a guest test (grep -E): warnings, BUG
# and oopses, lockdep, RCU, hung-task, KASAN, UBSAN and debugobjects
# reports.  Sourced by tests/guest/run (its last check) and by
# tests/lib/lags.sh (lags_no_splat).
LAGS_SPLAT_RE='WARNING:|BUG:|Oops|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|Call Trace:|UBSAN|KASAN|ODEBUG'

# SPDX-License-Identifier: GPL-2.0
#
# lags-knobs: sourced by lags-ab, lags-capacity and lags-study (POSIX sh).
# Switches the kernel between the configurations we compare and puts
# every knob back as it was found.
#
#   knobs_init            remember the current values (mounts debugfs if
#                         needed); installs no trap
#   knobs_begin           knobs_init, and traps that run knobs_finish at
#                         exit and on INT, TERM and HUP (exit 130)
#   knobs_apply CONFIG    applies it; prints extra faas-node-bench options;
#                         status 1 when this kernel lacks the knob, 2 when
#                         CONFIG is unknown
#   knobs_restore         puts everything back
#   knobs_finish          knobs_restore, and removes the anchor group
#
# The anchor: when the cgroup2 root hands the cpuset controller to its
# children, creating the first child (and removing the last) flips the
# cpusets_enabled static key, i.e. live-patches kernel text, on every
# benchmark run, asynchronously after rmdir.  In a TCG guest that has
# crashed the kernel (int3 in cpusets_enabled during clone).  One empty
# group kept for the whole session keeps the key steady.
#
# Configurations: stock stock-again lags lags-mN slice3ms slice100ms
# norun2parity onegroup flatcg (see lags-ab --help).
#
# flatcg loads the sched_ext scheduler scx_flatcg (scripts/scx-build
# builds it from the kernel's own tools/sched_ext; a kernel with
# CONFIG_SCHED_CLASS_EXT, make kernel-lags-scx) for the run, LAGS off,
# and checks that it took over: /sys/kernel/sched_ext/state "enabled"
# and root/ops "flatcg" within 10 s.  knobs_restore unloads it (SIGINT)
# and waits for the state "disabled", when every task is back in the
# fair class.  knobs_apply runs inside command substitutions, so the
# scheduler's pid goes to a file and its output to a log, never to the
# substitution's pipe.
#
# How LAGS is switched (KNOBS_SWITCH): "mode" (the default when
# kernel.sched_lags_mode exists) turns the sched_lags static key on once
# for the whole session and switches configurations through the mode
# mask (stock = mask 0: every LAGS hook is reached but does nothing);
# "key" flips kernel.sched_lags itself around every run (true zero-cost
# off, but it live-patches kernel text each time, which has crashed
# multi-threaded TCG guests: int3 in update_curr).

knobs_begin() {
	knobs_init
	trap 'knobs_finish' EXIT
	trap 'say "interrupted: knobs restored"; knobs_finish; exit 130' INT TERM HUP
}

knobs_init() {
	knobs_debug=/sys/kernel/debug
	if [ ! -e "$knobs_debug/sched" ] && [ "$(id -u)" = 0 ]; then
		mount -t debugfs debugfs "$knobs_debug" 2>/dev/null
	fi
	knobs_lags_ctl=/proc/sys/kernel/sched_lags
	knobs_mode_ctl=/proc/sys/kernel/sched_lags_mode
	knobs_orig_mode=''
	[ -w "$knobs_mode_ctl" ] && knobs_orig_mode=$(cat "$knobs_mode_ctl" 2>/dev/null)
	knobs_switch=${KNOBS_SWITCH:-}
	if [ -z "$knobs_switch" ]; then
		knobs_switch=key
		[ -n "$knobs_orig_mode" ] && knobs_switch=mode
	fi
	knobs_slice_ctl=$knobs_debug/sched/base_slice_ns
	knobs_features_ctl=$knobs_debug/sched/features
	knobs_orig_lags='' knobs_orig_slice='' knobs_orig_r2p=''
	[ -w "$knobs_lags_ctl" ] && knobs_orig_lags=$(cat "$knobs_lags_ctl" 2>/dev/null)
	[ -w "$knobs_slice_ctl" ] && knobs_orig_slice=$(cat "$knobs_slice_ctl" 2>/dev/null)
	knobs_features=$(cat "$knobs_features_ctl" 2>/dev/null)
	knobs_session_lags=''
	if [ "$knobs_switch" = mode ] && [ -n "$knobs_orig_mode" ] && [ -n "$knobs_orig_lags" ]; then
		# The key goes on once, now, before any load runs.
		echo 0 >"$knobs_mode_ctl" && echo 1 >"$knobs_lags_ctl" && knobs_session_lags=1
	fi
	knobs_anchor=''
	knobs_cg2=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") break }
		$(i + 1) == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	if [ -n "$knobs_cg2" ] && [ "$(id -u)" = 0 ] &&
	   grep -qw cpuset "$knobs_cg2/cgroup.subtree_control" 2>/dev/null &&
	   mkdir "$knobs_cg2/lags-anchor.$$" 2>/dev/null; then
		knobs_anchor=$knobs_cg2/lags-anchor.$$
	fi
	knobs_scx_pidfile=${TMPDIR:-/tmp}/lags-knobs-scx.$$.pid
	knobs_scx_log=${TMPDIR:-/tmp}/lags-knobs-scx.$$.log
	knobs_probing=''
	case " $knobs_features " in
	*" NO_RUN_TO_PARITY "*) knobs_orig_r2p=NO_RUN_TO_PARITY ;;
	*" RUN_TO_PARITY "*) knobs_orig_r2p=RUN_TO_PARITY ;;
	esac
}

knobs_restore() {
	knobs_scx_stop
	if [ -n "$knobs_session_lags" ]; then
		echo 0 >"$knobs_mode_ctl" 2>/dev/null
	else
		[ -n "$knobs_orig_lags" ] && echo "$knobs_orig_lags" >"$knobs_lags_ctl" 2>/dev/null
	fi
	[ -n "$knobs_orig_slice" ] && echo "$knobs_orig_slice" >"$knobs_slice_ctl" 2>/dev/null
	[ -n "$knobs_orig_r2p" ] && echo "$knobs_orig_r2p" >"$knobs_features_ctl" 2>/dev/null
	:
}

knobs_finish() {
	knobs_restore
	if [ -n "$knobs_session_lags" ]; then
		echo "$knobs_orig_lags" >"$knobs_lags_ctl" 2>/dev/null
		echo "$knobs_orig_mode" >"$knobs_mode_ctl" 2>/dev/null
		knobs_session_lags=''
	fi
	[ -n "$knobs_anchor" ] && rmdir "$knobs_anchor" 2>/dev/null
	knobs_anchor=''
	:
}

# knobs_lags 0|1 [MASK]: LAGS off, or on with the mode mask (default:
# the mask found at start, or all mechanisms).
knobs_lags() {
	[ -n "$knobs_orig_lags" ] || return 0
	if [ -n "$knobs_session_lags" ]; then
		if [ "$1" = 1 ]; then
			m=${2:-$knobs_orig_mode}
			[ "$m" = 0 ] && m=15
			echo "$m" >"$knobs_mode_ctl"
		else
			echo 0 >"$knobs_mode_ctl"
		fi
	else
		[ -n "${2:-}" ] && [ -n "$knobs_orig_mode" ] && echo "$2" >"$knobs_mode_ctl"
		echo "$1" >"$knobs_lags_ctl"
	fi
}

knobs_apply() {
	knobs_restore
	case $1 in
	stock|stock-again) knobs_lags 0 ;;
	lags) [ -n "$knobs_orig_lags" ] || return 1; knobs_lags 1 ;;
	lags-m[0-9]|lags-m[0-9][0-9])
		[ -n "$knobs_orig_mode" ] || return 1
		knobs_lags 1 "${1#lags-m}" ;;
	slice3ms)
		[ -n "$knobs_orig_slice" ] || return 1
		knobs_lags 0; echo 3000000 >"$knobs_slice_ctl" ;;
	slice100ms)
		[ -n "$knobs_orig_slice" ] || return 1
		knobs_lags 0; echo 100000000 >"$knobs_slice_ctl" ;;
	norun2parity)
		[ -n "$knobs_orig_r2p" ] || return 1
		knobs_lags 0; echo NO_RUN_TO_PARITY >"$knobs_features_ctl" ;;
	onegroup) knobs_lags 0; echo "--groups single" ;;
	flatcg) knobs_lags 0; knobs_scx_start flatcg ;;
	*) return 2 ;;
	esac
}

knobs_scx_sys=/sys/kernel/sched_ext

# knobs_scx_state: sched_ext's state (enabled, disabled, enabling,
# disabling), or "none" without sched_ext.
knobs_scx_state() { cat "$knobs_scx_sys/state" 2>/dev/null || echo none; }

# knobs_until CMD...: run CMD every 0.1 s until it succeeds, for up to
# 10 s; status 1 if it never did.
knobs_until() {
	knobs_i=0
	while [ $knobs_i -lt 100 ]; do
		"$@" && return 0
		sleep 0.1
		knobs_i=$((knobs_i + 1))
	done
	return 1
}

# knobs_scx_is STATE [OPS]: is sched_ext in STATE (and the loaded
# scheduler, root/ops, OPS)?
knobs_scx_is() {
	[ "$(knobs_scx_state)" = "$1" ] &&
		{ [ -z "${2:-}" ] || [ "$(cat "$knobs_scx_sys/root/ops" 2>/dev/null)" = "$2" ]; }
}

# knobs_scx_wait STATE [OPS]: wait up to 10 s for knobs_scx_is STATE [OPS].
knobs_scx_wait() { knobs_until knobs_scx_is "$@"; }

# knobs_gone PID: has process PID exited?
knobs_gone() { ! kill -0 "$1" 2>/dev/null; }

# knobs_scx_start NAME: load scx_NAME and wait until it is the active
# scheduler.  Status 1 when the kernel has no sched_ext or scx_NAME is
# not on PATH (only this is checked while knobs_runnable probes), 3
# when it is not the active scheduler within 10 s (it is stopped again).
knobs_scx_start() {
	command -v "scx_$1" >/dev/null 2>&1 && [ -r "$knobs_scx_sys/state" ] || return 1
	[ -n "$knobs_probing" ] && return 0
	if [ "$(knobs_scx_state)" != disabled ]; then
		printf '[knobs] sched_ext is %s, not disabled: another BPF scheduler is loaded\n' \
			"$(knobs_scx_state)" >&2
		return 3
	fi
	# Started from a subshell that exits at once: the scheduler is then
	# no child of the caller's shell, whose bare "wait" (for its own
	# load) would otherwise wait for the scheduler too, for ever.
	( "scx_$1" -i 3600 </dev/null >"$knobs_scx_log" 2>&1 &
	  echo $! >"$knobs_scx_pidfile" )
	knobs_scx_wait enabled "$1" && return 0
	printf '[knobs] scx_%s did not take over within 10 s (sched_ext %s); its output:\n' \
		"$1" "$(knobs_scx_state)" >&2
	tail -n 20 "$knobs_scx_log" >&2
	knobs_scx_stop
	return 3
}

# knobs_scx_stop: unload the scheduler knobs_scx_start loaded, if any, and
# wait until sched_ext is disabled and the process has exited.
knobs_scx_stop() {
	[ -f "${knobs_scx_pidfile:-}" ] || return 0
	knobs_pid=$(cat "$knobs_scx_pidfile")
	rm -f "$knobs_scx_pidfile"
	kill -INT "$knobs_pid" 2>/dev/null
	knobs_scx_wait disabled ||
		printf '[knobs] sched_ext still %s 10 s after stopping pid %s\n' \
			"$(knobs_scx_state)" "$knobs_pid" >&2
	knobs_until knobs_gone "$knobs_pid"
}

# knobs_runnable "A B ...": the configurations this kernel can run; notes
# the others on stderr.
knobs_runnable() {
	knobs_ok=''
	knobs_probing=1
	for knobs_c in $1; do
		knobs_apply "$knobs_c" >/dev/null 2>&1
		case $? in
		0) knobs_ok="$knobs_ok $knobs_c" ;;
		1) printf '[knobs] skipping %s: this kernel has no knob for it\n' "$knobs_c" >&2 ;;
		*) printf '[knobs] unknown configuration %s\n' "$knobs_c" >&2; knobs_probing=''; return 2 ;;
		esac
	done
	knobs_probing=''
	knobs_restore
	echo "$knobs_ok"
}

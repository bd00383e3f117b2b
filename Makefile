# SPDX-License-Identifier: GPL-2.0
#
# lags: Latency-Aware Group Scheduling for Linux 6.12.
#
#   make demo        build the patched kernel, boot it, run the A/B
#                    dense-cgroup benchmark and print the table
#   make check       the whole test suite (ends "N passed, N failed")
#   make goals       measure the series against its benchmark goals
#                    (about an hour; Documentation/results.rst)
#   make soak        the 10-minute long-run lag test on the lags kernel
#                    (make check runs it for 3 minutes)
#   make distro-module  lags.ko on Debian's own 6.12 and 6.1 kernels: DKMS
#                    build against their headers packages, boot each
#                    under QEMU, run the module tests (TAP into
#                    $(LAGS_BUILD)/distro-module/; 5 min warm, 6 cold)
#   make distro-check  the series on Debian's own amd64 config: build the
#                    lags-distro kernel (image only), boot it under QEMU,
#                    run the LAGS, module and harness guest tests (TAP
#                    into $(LAGS_BUILD)/distro-check/; README.md: times)
#   make config-matrix  kernel/sched/ at W=1 with and without the series
#                    under Debian's amd64 and rt configs and variants
#                    (no SMP, no group scheduling, ...), sparse, and every
#                    prefix of the series (scripts/config-matrix; TAP into
#                    $(LAGS_BUILD)/config-matrix.tap)
#   make calibrate   measure, on this machine's own kernel and CPU (root),
#                    the cost of resuming after other cgroups ran into
#                    $(LAGS_BUILD)/calibration.tsv (about a minute;
#                    CALIBRATE_ARGS="..." passes lags-calibrate options)
#   make fleet       the cluster-size model (Documentation/fleet.rst) on
#                    the sample day and capacities of bench/fleet/, or
#                    FLEET_CAPACITY=DIR|FILE FLEET_LOAD=CSV FLEET_ARGS="..."
#                    (table, fleet.tsv, fleet.png in $(LAGS_BUILD)/fleet)
#   make deb         the Debian packages lags-dkms and lags-tools, checked
#                    by lintian, into $(LAGS_BUILD)/deb (scripts/deb-build)
#
# Build outputs go to $(LAGS_BUILD) (default ~/.cache/lags), never into
# this tree.  KSRC=/path/to/linux-6.12 uses your own kernel tree.

LAGS_BUILD ?= $(HOME)/.cache/lags
export LAGS_BUILD KSRC

VARIANTS := stock lags lags-debug
# sched_ext variants (kconfig/scx.config): built only on request.
SCX_VARIANTS := stock-scx lags-scx

.PHONY: all help deps kernel kernels \
	$(addprefix kernel-,$(VARIANTS) $(SCX_VARIANTS)) \
	module bench scx initramfs check demo goals soak calibrate fleet deb vm-shell clean \
	distro-module distro-check config-matrix \
	distclean

all: kernels module bench

help:
	@sed -n '3,37p' Makefile | sed 's/^# \{0,1\}//'
	@echo "Other targets: deps kernel kernels kernel-<variant> module bench"
	@echo "  kernel-stock-scx kernel-lags-scx: with sched_ext (BTF, slower)"
	@echo "  scx: kernel-lags-scx and the schedulers scx_flatcg, scx_simple"
	@echo "  initramfs vm-shell clean distclean"
	@echo "Run a command in a guest: scripts/vm-run --kernel lags -- CMD..."

deps:
	@scripts/deps

kernel: kernel-lags
kernels: $(addprefix kernel-,$(VARIANTS))
$(addprefix kernel-,$(VARIANTS) $(SCX_VARIANTS)): kernel-%: deps
	@scripts/kernel-build $*

module: kernel-stock kernel-lags
	@for v in stock lags; do scripts/module-build $$v; done

scx: kernel-lags-scx
	@scripts/scx-build lags-scx

bench: deps
	@$(MAKE) -s -C bench O=$(LAGS_BUILD)/bench

initramfs: deps
	@scripts/initramfs

check:
	@tests/check

demo:
	@scripts/demo

goals: deps
	@scripts/bench-goals

soak: kernel-lags bench
	@scripts/selftests-build
	@scripts/vm-run --kernel lags --single-thread --smp 2 --mem 2G --timeout 1800 \
		-- env LAGS_LONGRUN_SECS=600 /lags/tests/guest/run lags-longrun

# tests/distro/debian-kernels.sh (not in make check), with the stock
# suite's 100 s of load/unload stress per kernel instead of 30.
distro-module:
	@scripts/deps debian
	@mkdir -p $(LAGS_BUILD)/distro-module
	@LAGS_DEBIAN_STRESS_SECS=100 tests/distro/debian-kernels.sh | \
		tee $(LAGS_BUILD)/distro-module/debian-kernels.tap
	@tests/summary $(LAGS_BUILD)/distro-module/debian-kernels.tap

distro-check:
	@scripts/distro-check

config-matrix:
	@scripts/deps matrix
	@mkdir -p $(LAGS_BUILD)
	@scripts/config-matrix | tee $(LAGS_BUILD)/config-matrix.tap
	@tests/summary $(LAGS_BUILD)/config-matrix.tap

# Only the calibration tool is built: it needs no kernel and no guest.
calibrate:
	@$(MAKE) -s -C bench O=$(LAGS_BUILD)/bench $(LAGS_BUILD)/bench/bin/lags-calibrate
	@$(LAGS_BUILD)/bench/bin/lags-calibrate $(CALIBRATE_ARGS) \
		--out $(LAGS_BUILD)/calibration.tsv
	@echo "calibration written to $(LAGS_BUILD)/calibration.tsv"

# Only lags-fleet is built: the model needs no kernel and no guest.
FLEET_CAPACITY ?= bench/fleet/sample-capacity.json
FLEET_LOAD ?= bench/fleet/sample-day.csv
FLEET_ARGS ?= --headroom 0.1 --configs "stock lags slice3ms norun2parity"
fleet:
	@$(MAKE) -s -C bench O=$(LAGS_BUILD)/bench $(LAGS_BUILD)/bench/bin/lags-fleet
	@mkdir -p $(LAGS_BUILD)/fleet
	@$(LAGS_BUILD)/bench/bin/lags-fleet --capacity $(FLEET_CAPACITY) \
		--load $(FLEET_LOAD) $(FLEET_ARGS) --tsv $(LAGS_BUILD)/fleet/fleet.tsv \
		$(if $(shell command -v gnuplot),--plot $(LAGS_BUILD)/fleet/fleet.png)
	@echo "written: $(LAGS_BUILD)/fleet/fleet.tsv$(if $(shell command -v gnuplot), and fleet.png)"

deb:
	@scripts/deb-build

# An interactive shell in the guest is not possible without a terminal on
# the serial line; run single commands with scripts/vm-run instead.
vm-shell:
	@echo "use: scripts/vm-run --kernel lags -- sh -c 'COMMANDS'"

clean:
	rm -rf $(LAGS_BUILD)/runs $(LAGS_BUILD)/check $(LAGS_BUILD)/bench $(LAGS_BUILD)/deb \
		$(LAGS_BUILD)/module $(LAGS_BUILD)/unit

distclean:
	rm -rf $(LAGS_BUILD)

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags-debug lags-distro
#
# The Kubernetes node agent (deploy/kubernetes/agent/lags-node-agent, in
# the guest as /lags/bin/lags-node-agent) on the guest's real cgroup v2
# mount, with the real cpu.lags files of the series: kubepods trees of
# both kubelet cgroup drivers side by side under /sys/fs/cgroup,
#   cgroupfs: kubepods/pod<uid>/<id>, kubepods/{burstable,besteffort}/pod<uid>/<id>
#   systemd:  kubepods.slice/kubepods-pod<uid_>.slice/cri-containerd-<id>.scope,
#             kubepods.slice/kubepods-{burstable,besteffort}.slice/
#             kubepods-{burstable,besteffort}-pod<uid_>.slice/cri-containerd-<id>.scope
# with +cpu in every subtree_control on the way and a task in each
# container group (sleep; a busy loop in one Guaranteed container).  "reconcile" (--module none, state
# in /tmp): Guaranteed pods, their containers and kubepods read 0,
# Burstable and BestEffort pods 1, an opted-in pod (--exempt-uids) 0
# with its QoS parent; a Guaranteed pod created after a pass reads 0
# after the next one; a removed pod is forgotten without an error; a pod
# whose opt-in is withdrawn, and kubepods once no exempted pod is left,
# go back to 1; a 0 someone else wrote is left alone, also by undo.
# "undo" sets every group the agent set back to 1 and removes its state.
# "loop" (--interval 1, the conservative preset of sysctl/ on the real
# /proc/sys) applies the preset, exempts pods, one created while it runs
# too, and on TERM undoes it all: groups back to 1, the sysctls back to
# the values found, no state, exit 0.

. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lags.sh"

START=$(date +%s)
AGENT=/lags/bin/lags-node-agent
CG=/sys/fs/cgroup
TMP=$(mktemp -d /tmp/k8s-agent.XXXXXX)
STATE=$TMP/state
LOG=$TMP/agent.log
UIDS=$TMP/exempt-uids
OTHER=$CG/k8s-agent-other	# a group beside kubepods, like system.slice

cleanup() {
	for _g in kubepods kubepods.slice k8s-agent-other; do
		lags_cgroup_remove "$CG/$_g"
	done
	rm -rf "$TMP"
}

for g in kubepods kubepods.slice k8s-agent-other; do
	[ ! -e "$CG/$g" ] || { tap_result 1 "no $CG/$g left by an earlier test"; tap_done; exit 1; }
done
trap cleanup EXIT
lags_cpu_cgroup "$OTHER"
[ -f "$OTHER/cpu.lags" ] || tap_skip_all "no cpu.lags in $OTHER: a kernel without the series"
tap_check "the agent is in the guest: $AGENT, executable" test -x "$AGENT"
[ -x "$AGENT" ] || { tap_done; exit 1; }

# agent ARG...: the agent on the real mount; stderr appended to $LOG.
agent() {
	"$AGENT" --cgroup-root "$CG" --state-dir "$STATE" --module none "$@" 2>>"$LOG"
}

# Pod UIDs (the API server's form, with "-") and container ids.
G1=11111111-aaaa-4bbb-8ccc-000000000001	# Guaranteed
G2=22222222-aaaa-4bbb-8ccc-000000000002	# Guaranteed, created after a pass
G3=33333333-aaaa-4bbb-8ccc-000000000003	# Guaranteed, created while loop runs
B1=44444444-aaaa-4bbb-8ccc-000000000004	# Burstable
B2=55555555-aaaa-4bbb-8ccc-000000000005	# Burstable, opted in, then out
E1=66666666-aaaa-4bbb-8ccc-000000000006	# BestEffort
cid() { _x=$(printf '%08x' "$1"); echo "$_x$_x$_x$_x$_x$_x$_x$_x"; }

# Paths (relative to $CG) of driver $drv: top, qos burstable|besteffort,
# pod CLASS UID (CLASS guaranteed, burstable or besteffort), ctr POD N.
top() { [ "$drv" = systemd ] && echo kubepods.slice || echo kubepods; }
qos() {
	if [ "$drv" = systemd ]; then echo "kubepods.slice/kubepods-$1.slice"
	else echo "kubepods/$1"; fi
}
pod() {
	_u=$(echo "$2" | tr - _)
	case $drv:$1 in
	systemd:guaranteed) echo "kubepods.slice/kubepods-pod$_u.slice" ;;
	systemd:*) echo "$(qos "$1")/kubepods-$1-pod$_u.slice" ;;
	*:guaranteed) echo "kubepods/pod$2" ;;
	*) echo "$(qos "$1")/pod$2" ;;
	esac
}
ctr() {
	if [ "$drv" = systemd ]; then echo "$1/cri-containerd-$(cid "$2").scope"
	else echo "$1/$(cid "$2")"; fi
}

# mkgrp REL...: cgroups with the cpu controller on for their children.
mkgrp() {
	for _g in "$@"; do
		mkdir "$CG/$_g" && echo +cpu >"$CG/$_g/cgroup.subtree_control" ||
			echo "# cannot make $_g with +cpu"
	done
}
# mkctr REL [spin]: a container group with a task in it (sleep, or a
# busy loop with "spin").
mkctr() {
	mkdir "$CG/$1" || { echo "# cannot make $1"; return 1; }
	if [ "${2:-}" = spin ]; then
		sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 &
	else
		sleep 3600 >/dev/null 2>&1 &
	fi
	echo $! >"$CG/$1/cgroup.procs" || echo "# cannot move task $! into $1"
}
# mkpod CLASS UID N: a pod group with container N in it.
mkpod() {
	mkgrp "$(pod "$1" "$2")"
	mkctr "$(ctr "$(pod "$1" "$2")" "$3")"
}

# lv REL: the group's cpu.lags, or "none".
lv() { cat "$CG/$1/cpu.lags" 2>/dev/null || echo none; }
# zeros TOP: the groups below and including TOP that read 0, sorted, one line.
zeros() {
	[ -d "$CG/$1" ] || return 0
	find "$CG/$1" -name cpu.lags | while read -r f; do
		[ "$(cat "$f")" = 0 ] && { _d=${f%/cpu.lags}; echo "${_d#"$CG"/}"; }
	done | sort | tr '\n' ' '
}
# list REL...: sorted, one line, as zeros prints it.
list() { printf '%s\n' "$@" | sort | tr '\n' ' '; }
# tasks TOP: how many tasks are in TOP's container groups.
tasks() { find "$CG/$1" -name cgroup.procs -exec cat {} \; | wc -l | tr -d ' '; }
# nolags TOP: how many groups below and including TOP lack cpu.lags.
nolags() { echo $(($(find "$CG/$1" -type d | wc -l) - $(find "$CG/$1" -name cpu.lags | wc -l))); }

# ---- the trees -----------------------------------------------------------
for drv in cgroupfs systemd; do
	mkgrp "$(top)" "$(qos burstable)" "$(qos besteffort)"
	mkpod guaranteed $G1 1
	spin=
	[ "$drv" = cgroupfs ] && spin=spin
	mkctr "$(ctr "$(pod guaranteed $G1)" 2)" $spin
	mkpod burstable $B1 3
	mkpod burstable $B2 4
	mkctr "$(ctr "$(pod burstable $B2)" 5)"
	mkpod besteffort $E1 6
	# Someone else's 0: on a BestEffort pod's container (the agent does
	# not want it) and on a Guaranteed pod's container (it does).
	echo 0 >"$CG/$(ctr "$(pod besteffort $E1)" 6)/cpu.lags"
	echo 0 >"$CG/$(ctr "$(pod guaranteed $G1)" 2)/cpu.lags"
	tap_is "$drv: the tree is real: 6 tasks in its containers, cpu.lags in all 13 groups, 1 but for the two 0 written by hand" \
		"$(tasks "$(top)"):$(find "$CG/$(top)" -type d | wc -l | tr -d ' '):$(nolags "$(top)"):$(zeros "$(top)")" \
		"6:13:0:$(list "$(ctr "$(pod guaranteed $G1)" 2)" "$(ctr "$(pod besteffort $E1)" 6)")"
done

# ---- reconcile -----------------------------------------------------------
printf '# opted in\n%s\n' "$B2" >"$UIDS"
agent --exempt-uids "$UIDS" reconcile
tap_is "reconcile exits 0" "$?" 0
for drv in cgroupfs systemd; do
	g1=$(pod guaranteed $G1) b1=$(pod burstable $B1) b2=$(pod burstable $B2) e1=$(pod besteffort $E1)
	tap_is "$drv: 0 on the Guaranteed pod, its containers, kubepods; on the opted-in pod, its containers, its QoS parent; and the 0 written by hand" \
		"$(zeros "$(top)")" \
		"$(list "$(top)" "$g1" "$(ctr "$g1" 1)" "$(ctr "$g1" 2)" \
			"$(qos burstable)" "$b2" "$(ctr "$b2" 4)" "$(ctr "$b2" 5)" "$(ctr "$e1" 6)")"
	tap_is "$drv: 1 on the Burstable pod, the BestEffort pod and their QoS parents" \
		"$(lv "$b1") $(lv "$(ctr "$b1" 3)") $(lv "$e1") $(lv "$(qos besteffort)")" "1 1 1 1"
done
tap_is "the group beside kubepods keeps 1" "$(lv k8s-agent-other)" 1
tap_is "the state records the 14 groups the agent set, not the 2 set by hand" \
	"$(wc -l <"$STATE/exempted" | tr -d ' '):$(grep -c -e "$(cid 2)" -e "$(cid 6)" "$STATE/exempted")" "14:0"

# ---- pods appear ---------------------------------------------------------
for drv in cgroupfs systemd; do
	mkpod guaranteed $G2 7
	tap_is "$drv: a Guaranteed pod created after the pass reads 1 until the next one" \
		"$(lv "$(pod guaranteed $G2)") $(lv "$(ctr "$(pod guaranteed $G2)" 7)")" "1 1"
done
agent --exempt-uids "$UIDS" reconcile
tap_is "reconcile exits 0 (a new pod)" "$?" 0
for drv in cgroupfs systemd; do
	tap_is "$drv: the new Guaranteed pod and its container read 0 after the next pass" \
		"$(lv "$(pod guaranteed $G2)") $(lv "$(ctr "$(pod guaranteed $G2)" 7)")" "0 0"
done

# ---- pods disappear, an opt-in is withdrawn ------------------------------
for drv in cgroupfs systemd; do lags_cgroup_remove "$CG/$(pod guaranteed $G1)"; done
: >"$LOG"
printf '# none\n' >"$UIDS"
agent --exempt-uids "$UIDS" reconcile
tap_is "reconcile exits 0 with a removed pod, and says no more than what it changed" \
	"$?:$(grep -v '^\[lags-node-agent\] \(exempted\|un-exempted\) ' "$LOG")" "0:"
tap_is "the state forgets the removed pod" "$(grep -c -e "$G1" -e "$(echo $G1 | tr - _)" "$STATE/exempted")" 0
for drv in cgroupfs systemd; do
	g2=$(pod guaranteed $G2) b2=$(pod burstable $B2) e1=$(pod besteffort $E1)
	tap_is "$drv: the pod opted out is back to 1 with its containers and QoS parent; the removed pod is gone" \
		"$(zeros "$(top)")" "$(list "$(top)" "$g2" "$(ctr "$g2" 7)" "$(ctr "$e1" 6)")"
done
for drv in cgroupfs systemd; do lags_cgroup_remove "$CG/$(pod guaranteed $G2)"; done
agent reconcile
for drv in cgroupfs systemd; do
	tap_is "$drv: no exempted pod left: kubepods back to 1; the 0 written by hand stays" \
		"$(zeros "$(top)")" "$(list "$(ctr "$(pod besteffort $E1)" 6)")"
done

# ---- undo ----------------------------------------------------------------
printf '%s\n' "$B1" >"$UIDS"
for drv in cgroupfs systemd; do
	mkpod guaranteed $G1 1
	echo 0 >"$CG/$(ctr "$(pod guaranteed $G1)" 1)/cpu.lags"
	mkctr "$(ctr "$(pod guaranteed $G1)" 2)"
done
agent --exempt-uids "$UIDS" reconcile
tap_is "before undo: the state records 12 groups" "$(wc -l <"$STATE/exempted" | tr -d ' ')" 12
for drv in cgroupfs systemd; do
	g1=$(pod guaranteed $G1) b1=$(pod burstable $B1)
	tap_is "$drv: before undo: 0 on the Guaranteed pod, its containers, kubepods, the opted-in pod, its container, its QoS parent" \
		"$(zeros "$(top)")" \
		"$(list "$(top)" "$g1" "$(ctr "$g1" 1)" "$(ctr "$g1" 2)" "$(qos burstable)" "$b1" \
			"$(ctr "$b1" 3)" "$(ctr "$(pod besteffort $E1)" 6)")"
done
# check_restored WHEN: in both trees, every group the agent set reads 1
# again and only the two 0 written by hand stay.
check_restored() {
	for drv in cgroupfs systemd; do
		tap_is "$drv: $1: every group the agent set is back to 1; the two 0 written by hand stay" \
			"$(zeros "$(top)")" \
			"$(list "$(ctr "$(pod guaranteed $G1)" 1)" "$(ctr "$(pod besteffort $E1)" 6)")"
	done
}
agent --exempt-uids "$UIDS" undo
tap_is "undo exits 0" "$?" 0
check_restored undo
tap_check "undo removes its state ($STATE)" test ! -e "$STATE"

# ---- loop ----------------------------------------------------------------
P=/proc/sys/kernel
KEYS="sched_lags sched_lags_mode sched_lags_drain_budget_us sched_lags_guard_us sched_lags_light_pct"
vals() { for _k in $KEYS; do printf '%s ' "$(cat "$P/$_k")"; done; }
# The conservative preset, in the order of $KEYS.
PRESET=/lags/sysctl/90-lags-conservative.conf
want_preset=$(for _k in $KEYS; do
	sed -n "s/^kernel\.${_k}[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p" "$PRESET"; done | tr '\n' ' ')
before=$(vals)
tap_diag "sysctls before loop: $before; the conservative preset: $want_preset"
: >"$LOG"
"$AGENT" --cgroup-root "$CG" --state-dir "$STATE" --module none --exempt-uids "$UIDS" \
	--proc-sys /proc/sys --preset-dir /lags/sysctl --preset conservative \
	--interval 1 loop 2>>"$LOG" &
apid=$!
# wait_zero REL...: up to 60 s until each REL reads 0.
wait_zero() {
	_n=0
	while [ $_n -lt 60 ]; do
		_ok=1
		for _g in "$@"; do [ "$(lv "$_g")" = 0 ] || _ok=; done
		[ -n "$_ok" ] && return 0
		sleep 1
		_n=$((_n + 1))
	done
	return 1
}
# wait_preset: up to 60 s until the sysctls read the preset's values.
wait_preset() {
	_n=0
	while [ "$(vals)" != "$want_preset" ] && [ $_n -lt 60 ]; do
		sleep 1
		_n=$((_n + 1))
	done
}
drv=cgroupfs
c_g1=$(pod guaranteed $G1)
drv=systemd
s_g1=$(pod guaranteed $G1)
wait_preset
wait_zero "$c_g1" "$s_g1"
tap_is "loop: the preset is applied" "$(vals)" "$want_preset"
tap_is "loop: the Guaranteed pods read 0" "$(lv "$c_g1") $(lv "$s_g1")" "0 0"
for drv in cgroupfs systemd; do mkpod guaranteed $G3 8; done
drv=cgroupfs
c_g3=$(pod guaranteed $G3)
c_c3=$(ctr "$c_g3" 8)
drv=systemd
s_g3=$(pod guaranteed $G3)
s_c3=$(ctr "$s_g3" 8)
wait_zero "$c_g3" "$c_c3" "$s_g3" "$s_c3"
tap_is "loop: a Guaranteed pod created while it runs reads 0 at a later pass (pod, container; both drivers)" \
	"$(lv "$c_g3") $(lv "$c_c3") $(lv "$s_g3") $(lv "$s_c3")" "0 0 0 0"
kill -TERM $apid
wait $apid
tap_is "loop: TERM ends it with status 0" "$?" 0
check_restored "loop: TERM"
tap_is "loop: TERM restores the sysctls found before" "$(vals)" "$before"
tap_check "loop: TERM removes its state" test ! -e "$STATE"
tap_is "loop: nothing on stderr but progress" \
	"$(grep -v '^\[lags-node-agent\] \(exempted\|un-exempted\|preset \|cpu.lags back\|sysctls restored\)' "$LOG")" ""

# ---- clean up ------------------------------------------------------------
trap - EXIT
cleanup
tap_is "the trees and their tasks are removed" \
	"$(ls -d "$CG/kubepods" "$CG/kubepods.slice" "$OTHER" 2>/dev/null)" ""
tap_diag "$(($(date +%s) - START)) s"
tap_done

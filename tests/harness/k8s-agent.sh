#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deploy/kubernetes/agent/lags-node-agent on fake trees, under dash and
# busybox sh (the shells of a stock Debian image and of small ones):
#   - kubepods-shaped cgroup v2 trees of both kubelet cgroup drivers
#     (systemd: kubepods.slice/kubepods-pod<uid>.slice, cgroupfs:
#     kubepods/pod<uid>), every cpu.lags at 1: reconcile sets 0 on the
#     Guaranteed pods' groups, their containers and kubepods, and
#     nowhere else; an opted-in Burstable pod (--exempt-uids) gets 0
#     with its QoS parent; pods added and removed between passes are
#     followed; a group someone else set to 0 is left alone; undo sets
#     every group back to 1 and leaves no state;
#   - a tree without cpu.lags (no LAGS series): reconcile changes nothing;
#   - sysctl apply/undo on a fake /proc/sys (--proc-sys): the preset's
#     values written, the values found restored, kept across a second
#     apply, a key the kernel lacks skipped.
# Then the manifests: the ConfigMap is what deploy/kubernetes/gen-configmap
# makes of the agent and the presets; every manifest parses with kubectl
# (client side, no cluster) and matches the Kubernetes API's schemas
# (tests/harness/k8s-schema/validate.js: kubernetes-models' validate()
# and unknown fields, offline); copies with a misspelt field, a string
# where an integer belongs, an integer or a YAML 1.1 boolean where a
# string belongs, a value outside an enumeration are rejected.  scripts/deps k8s installs kubectl, Node.js
# and the pinned npm packages; Documentation/kubernetes.rst says what
# each check covers.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

K8S=$LAGS_TOP/deploy/kubernetes
AGENT=$K8S/agent/lags-node-agent
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-k8s.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

shells=
for s in dash "busybox sh"; do
	command -v "${s%% *}" >/dev/null && shells="$shells${shells:+:}$s"
done
[ -n "$shells" ] || tap_skip_all "neither dash nor busybox"

# mk DIR...: cgroups, each with cpu.lags at 1.
mk() {
	local d
	for d in "$@"; do
		mkdir -p "$d"
		echo 1 >"$d/cpu.lags"
	done
}
# zeros ROOT: the groups whose cpu.lags is 0, relative, sorted, one line.
zeros() {
	(cd "$1" && find . -name cpu.lags -exec grep -lx 0 {} +) |
		sed -e 's|^\./||' -e 's|/cpu.lags$||' | sort | tr '\n' ' '
}
ones_only() { [ -z "$(zeros "$1")" ]; }

IFS=: read -r -a shell_list <<<"$shells"
for sh in "${shell_list[@]}"; do
	for drv in systemd cgroupfs; do
		t=$tmp/${sh%% *}-$drv
		R=$t/cg
		S=$t/state
		mkdir -p "$R"
		: >"$R/cgroup.controllers"
		mk "$R/system.slice" "$R/user.slice"
		if [ $drv = systemd ]; then
			top=kubepods.slice bu=kubepods.slice/kubepods-burstable.slice be=kubepods.slice/kubepods-besteffort.slice
			g() { echo "kubepods.slice/kubepods-pod${1//-/_}.slice"; }
			b() { echo "$bu/kubepods-burstable-pod${1//-/_}.slice"; }
			e() { echo "$be/kubepods-besteffort-pod${1//-/_}.slice"; }
			c() { echo "cri-containerd-$1.scope"; }
		else
			top=kubepods bu=kubepods/burstable be=kubepods/besteffort
			g() { echo "kubepods/pod$1"; }
			b() { echo "$bu/pod$1"; }
			e() { echo "$be/pod$1"; }
			c() { echo "$1"; }
		fi
		G1=11111111-aaaa-4bbb-8ccc-000000000001
		G2=22222222-aaaa-4bbb-8ccc-000000000002
		B1=33333333-aaaa-4bbb-8ccc-000000000003
		B2=44444444-aaaa-4bbb-8ccc-000000000004
		E1=55555555-aaaa-4bbb-8ccc-000000000005
		mk "$R/$top" "$R/$bu" "$R/$be" \
			"$R/$(g $G1)" "$R/$(g $G1)/$(c c1a)" "$R/$(g $G1)/$(c c1b)" \
			"$R/$(b $B1)" "$R/$(b $B1)/$(c c3a)" "$R/$(b $B2)" "$R/$(b $B2)/$(c c4a)" \
			"$R/$(e $E1)" "$R/$(e $E1)/$(c c5a)"
		printf '# opted in\n%s\n' "$B2" >"$t/uids"
		run() { $sh "$AGENT" --cgroup-root "$R" --state-dir "$S" "$@" 2>>"$t/log"; }
		n="$sh, $drv driver"

		run reconcile
		tap_is "$n: reconcile exempts the Guaranteed pod, its containers, kubepods" \
			"$(zeros "$R")" "$(printf '%s\n' $top "$(g $G1)" "$(g $G1)/$(c c1a)" "$(g $G1)/$(c c1b)" | sort | tr '\n' ' ')"
		run reconcile
		tap_is "$n: a second pass changes nothing" "$(zeros "$R")" \
			"$(printf '%s\n' $top "$(g $G1)" "$(g $G1)/$(c c1a)" "$(g $G1)/$(c c1b)" | sort | tr '\n' ' ')"

		# A Guaranteed pod appears, the first goes, one Burstable pod is opted in.
		mk "$R/$(g $G2)" "$R/$(g $G2)/$(c c2a)"
		rm -rf "${R:?}/$(g $G1)"
		run --exempt-uids "$t/uids" reconcile
		tap_is "$n: pods added and removed, an opted-in Burstable pod" "$(zeros "$R")" \
			"$(printf '%s\n' $top "$(g $G2)" "$(g $G2)/$(c c2a)" "$bu" "$(b $B2)" "$(b $B2)/$(c c4a)" | sort | tr '\n' ' ')"
		tap_check "$n: the state forgets the removed pod" sh -c "! grep -q '$G1\|${G1//-/_}' '$S/exempted'"

		# The opt-in is withdrawn, the Guaranteed pod goes: back to 1,
		# kubepods included.
		rm -rf "${R:?}/$(g $G2)"
		run reconcile
		tap_is "$n: no pod left to exempt: everything back to 1" "$(zeros "$R")" ""

		# Someone else's 0 is theirs: not recorded, not undone.
		echo 0 >"$R/$(e $E1)/cpu.lags"
		mk "$R/$(g $G2)"
		run reconcile
		run undo
		tap_is "$n: undo: back to 1 but for the group set to 0 by someone else" "$(zeros "$R")" "$(e $E1) "
		tap_check "$n: undo leaves no state" test ! -e "$S"
		tap_is "$n: nothing on stderr but progress" "$(grep -v '^\[lags-node-agent\] \(exempted\|un-exempted\|cpu.lags back\|sysctls\)' "$t/log")" ""
	done

	# loop: apply, a pass every second, undo on TERM.
	t=$tmp/${sh%% *}-loop
	R=$t/cg
	P=$t/proc/sys
	mkdir -p "$P/kernel" "$t/text"
	echo 0 >"$P/kernel/sched_lags"
	mkdir -p "$R"
	: >"$R/cgroup.controllers"
	mk "$R/kubepods" "$R/kubepods/podg" "$R/kubepods/burstable" "$R/kubepods/burstable/podb"
	# A stand-in for lags-metrics: --once --textfile-dir DIR ...
	printf '#!/bin/sh\necho lags_test 1 >"$3/lags.prom"\n' >"$t/metrics"
	chmod +x "$t/metrics"
	$sh "$AGENT" --cgroup-root "$R" --proc-sys "$P" --state-dir "$t/state" --module none \
		--preset-dir "$LAGS_TOP/sysctl" --preset dense-serverless --interval 1 \
		--metrics "$t/metrics" --textfile-dir "$t/text" loop 2>"$t/log" &
	pid=$!
	for _ in $(seq 20); do
		[ "$(cat "$R/kubepods/podg/cpu.lags")" = 0 ] && [ -f "$t/text/lags.prom" ] && break
		sleep 0.5
	done
	mk "$R/kubepods/podg2"
	for _ in $(seq 20); do
		[ "$(cat "$R/kubepods/podg2/cpu.lags")" = 0 ] && break
		sleep 0.5
	done
	tap_is "$sh: loop: preset applied, pods exempted, a new pod at the next pass, metrics written" \
		"$(cat "$P/kernel/sched_lags"):$(zeros "$R"):$(cat "$t/text/lags.prom" 2>/dev/null)" \
		"1:kubepods kubepods/podg kubepods/podg2 :lags_test 1"
	kill -TERM $pid
	wait $pid
	tap_is "$sh: loop: TERM undoes everything and exits 0" \
		"$?:$(cat "$P/kernel/sched_lags"):$(zeros "$R"):$(ls "$t/text"):$(ls -d "$t/state" 2>/dev/null)" "0:0:::"

	# No series: kubepods without cpu.lags.
	t=$tmp/${sh%% *}-stock
	mkdir -p "$t/cg/kubepods/podx"
	: >"$t/cg/cgroup.controllers"
	msg=$($sh "$AGENT" --cgroup-root "$t/cg" --state-dir "$t/state" reconcile 2>&1)
	tap_is "$sh: no cpu.lags: reconcile exits 0 and says why" "$?:$(echo "$msg" | grep -c 'without the LAGS series')" "0:1"
	tap_check "$sh: no cpu.lags: no file written" test ! -e "$t/cg/kubepods/podx/cpu.lags"
	msg=$($sh "$AGENT" --cgroup-root "$t" --state-dir "$t/state" reconcile 2>&1)
	tap_is "$sh: cgroup v1 (no cgroup.controllers): refused" "$?:$(echo "$msg" | grep -c 'cgroup v1')" "1:1"

	# sysctl apply/undo on a fake /proc/sys.
	t=$tmp/${sh%% *}-sysctl
	P=$t/proc/sys
	mkdir -p "$P/kernel"
	echo 0 >"$P/kernel/sched_lags"
	echo 15 >"$P/kernel/sched_lags_mode"
	echo 3000 >"$P/kernel/sched_lags_drain_budget_us"
	echo 50000 >"$P/kernel/sched_lags_guard_us"
	# kernel.sched_lags_light_pct absent: an older kernel.
	sa() { $sh "$AGENT" --proc-sys "$P" --state-dir "$t/state" --module none \
		--preset-dir "$LAGS_TOP/sysctl" "$@" 2>>"$t/log"; }
	vals() { cat "$P"/kernel/sched_lags "$P"/kernel/sched_lags_mode "$P"/kernel/sched_lags_drain_budget_us "$P"/kernel/sched_lags_guard_us | tr '\n' ' '; }
	sa --preset conservative apply
	tap_is "$sh: apply: the conservative preset's values" "$?:$(vals)" "0:1 15 1000 20000 "
	tap_check "$sh: apply: the absent key is skipped, not created" test ! -e "$P/kernel/sched_lags_light_pct"
	sa --preset dense-serverless apply
	tap_is "$sh: a second apply (another preset)" "$(vals)" "1 15 3000 50000 "
	sa --preset dense-serverless undo
	tap_is "$sh: undo restores the values found before the first apply" "$?:$(vals)" "0:0 15 3000 50000 "
	tap_check "$sh: undo leaves no state" test ! -e "$t/state"
	msg=$($sh "$AGENT" --proc-sys "$P" --state-dir "$t/state" --module none \
		--preset-dir "$LAGS_TOP/sysctl" --preset nosuch apply 2>&1)
	tap_is "$sh: an unknown preset fails" "$?:$(echo "$msg" | grep -c "no preset 'nosuch'")" "1:1"
done

# ---- manifests -------------------------------------------------------
tap_check "the ConfigMap is what gen-configmap makes of the agent and presets" "$K8S/gen-configmap" --check

if ! deps_out=$("$LAGS_TOP/scripts/deps" k8s 2>&1); then
	tap_skip "manifests parse with kubectl and match the API schemas" \
		"scripts/deps k8s failed: $(echo "$deps_out" | tail -n 1)"
	tap_done
	exit
fi
# No cluster: a kubeconfig pointing nowhere, so that nothing is contacted.
cat >"$tmp/kubeconfig" <<'KC'
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "http://127.0.0.1:1"}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
users: [{name: none, user: {}}]
KC
kc() { env HOME="$tmp" KUBECONFIG="$tmp/kubeconfig" kubectl "$@"; }
tap_diag "kubectl: $(kc version --client 2>/dev/null | head -n 1)"
for m in "$K8S"/*.yaml; do
	out=$(kc label --local -f "$m" lags-check=1 -o name 2>&1)
	tap_is "$(basename "$m"): parses (kubectl label --local)" "$?" 0 || true
	[ -n "$out" ] || tap_diag "  no objects in $m"
done
kinds=$(for m in "$K8S"/*.yaml; do kc label --local -f "$m" lags-check=1 -o name; done 2>/dev/null | sed 's|/.*||' | sort | tr '\n' ' ')
tap_is "the objects: a Namespace, a ServiceAccount, two ConfigMaps, a DaemonSet" "$kinds" \
	"configmap configmap daemonset.apps namespace serviceaccount "
# The ConfigMap's script as kubectl reads it equals the file.
kc label --local -f "$K8S/30-agent-configmap.yaml" lags-check=1 -o 'jsonpath={.data.lags-node-agent}' >"$tmp/agent.from-yaml" 2>&1
tap_check "the ConfigMap's script, read by kubectl, equals the agent" cmp "$tmp/agent.from-yaml" "$AGENT"

# ---- the API schemas, offline ---------------------------------------------
V=$LAGS_TOP/tests/harness/k8s-schema/validate.js
NPM=$LAGS_BUILD/npm/k8s-schema
# schema FILE...: validate.js's output; its exit status.
schema() { node "$V" --modules "$NPM" "$@" 2>&1; }
tap_diag "schemas: $(schema /dev/null | head -n 1 | sed 's/^# //')"
for m in "$K8S"/*.yaml; do
	out=$(schema "$m")
	rc=$?
	tap_is "$(basename "$m"): matches the Kubernetes API schemas (types, required fields, no unknown field)" "$rc" 0
	[ $rc -eq 0 ] || echo "$out" | grep -v '^#' | sed 's/^/#   /'
done
# bad NAME FILE SED WANT: a copy of FILE changed by SED is rejected, and
# the reason names WANT.
bad() {
	local copy=$tmp/bad$((TAP_N + 1))-$2 out got
	sed "$3" "$K8S/$2" >"$copy"
	if cmp -s "$copy" "$K8S/$2"; then
		tap_result 1 "rejected: $1 ($2): the sed changed nothing"
		return
	fi
	out=$(schema "$copy")
	got="$?:$(echo "$out" | grep -cF -- "$4")"
	tap_is "rejected: $1 ($2)" "$got" "1:1"
	[ "$got" = 1:1 ] || echo "$out" | grep -v '^#' | sed 's/^/#   /'
}
bad "a misspelt containers key" 40-daemonset.yaml 's/^      containers:/      contianers:/' \
	'spec/template/spec must have required property containers; unknown field "spec.template.spec.contianers"'
bad "a misspelt optional field" 40-daemonset.yaml 's/^        image: /        imagePullPolcy: Always\n        image: /' \
	'unknown field "spec.template.spec.containers[0].imagePullPolcy"'
bad "a string where an integer belongs" 40-daemonset.yaml \
	's/terminationGracePeriodSeconds: 60/terminationGracePeriodSeconds: "60"/' \
	'terminationGracePeriodSeconds must be integer'
bad "an integer where a string belongs" 20-config.yaml 's/^  interval: "15"/  interval: 15/' \
	'data/interval must be string'
bad "an unquoted off (a YAML 1.1 boolean) where a string belongs" 20-config.yaml \
	's/^  preset: conservative/  preset: off/' 'data/preset must be string'
bad "a hostPath type that is not one of the API's" 40-daemonset.yaml \
	's|{path: /usr/src, type: Directory}|{path: /usr/src, type: Dir}|' \
	'hostPath/type must be equal to one of the allowed values'
tap_done

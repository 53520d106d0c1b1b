# Sourced (not run) by deploy/images.sh, deploy/compose-check.sh and .ci/run: makes podman work on machines like
# the CI's, where crun refuses the hybrid cgroup layout and podman's default rlimits are refused, without changing
# anything under /etc. Writes a containers.conf under target/ and points CONTAINERS_CONF at it, unless the caller
# already chose one.
if [ -z "${CONTAINERS_CONF:-}" ]; then
  _gearbox_conf_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/containers"
  mkdir -p "$_gearbox_conf_dir"
  cat > "$_gearbox_conf_dir/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
runtime = "runc"
CONF
  export CONTAINERS_CONF="$_gearbox_conf_dir/containers.conf"
  unset _gearbox_conf_dir
fi

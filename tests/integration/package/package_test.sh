#!/usr/bin/env bash
# package_test.sh SOURCE_DIR BUILD_DIR VERSION — the Debian package of wedge, end to end.
#
# 1. cpack -G DEB builds wedge_<VERSION>_<arch>.deb into a temporary directory (-B; the build tree
#    gets only cpack's install_manifest.txt).
# 2. dpkg-deb -c lists exactly the expected files, with root ownership and executable binaries.
# 3. dpkg-deb -f / -I: Package, Version (= the project version), Architecture, Depends from the
#    binaries' libraries, Maintainer; postinst, prerm, postrm and conffiles are present, the scripts
#    parse (sh -n) and every file under /etc is a conffile.
# 4. The unit, the example config and the package agree: ExecStart's binary and --config file, the
#    state directory (StateDirectory= / state_dir / sysusers home) and the label template directory;
#    the packaged wedge accepts the packaged config (--check-config).
# 5. lintian (--fail-on error,warning) passes the package: copyright (DEP-5), changelog.gz and the
#    man pages (gzip -9n), deb-systemd-helper/-invoke in the maintainer scripts, no other
#    complaint; the changelog's version is the package's.
# 6. As root with no wedge package installed: dpkg -i (user, group, state directory owned by wedge,
#    /etc/wedge/credentials root-only, service not enabled, no failure without a running systemd),
#    then dpkg -P (state and credentials removed).
#    The wedge user and group are removed again if this test created them.
# Everything happens in a temporary directory that is removed at exit, also on failure.
set -uo pipefail

source_dir=$1 build_dir=$2 version=$3
tmp=$(mktemp -d /tmp/wedge-package-test.XXXXXX)
failures=0 checks=0 installed_by_test=0 user_created=0 group_created=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); checks=$((checks + 1)); }
pass() { echo "ok: $*"; checks=$((checks + 1)); }
check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
die() { echo "FAIL: $*" >&2; exit 1; }

# True while dpkg knows a wedge package in any state but "not-installed".
wedge_known_to_dpkg() {
  local status
  status=$(dpkg-query -W -f='${Status}' wedge 2>/dev/null) || return 1
  [ -n "$status" ] && [ "${status##* }" != not-installed ]
}

cleanup() {
  if [ "$installed_by_test" = 1 ] && wedge_known_to_dpkg; then
    dpkg_retry -P wedge >/dev/null 2>&1 || echo "cleanup: dpkg -P wedge failed" >&2
  fi
  if [ "$user_created" = 1 ] && getent passwd wedge >/dev/null; then userdel wedge 2>/dev/null || true; fi
  if [ "$group_created" = 1 ] && getent group wedge >/dev/null; then groupdel wedge 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# dpkg refuses at once while another dpkg or apt holds its lock: retry for up to 30 s.
dpkg_retry() {
  local out rc deadline=$((SECONDS + 30))
  while :; do
    out=$(dpkg "$@" 2>&1); rc=$?
    if [ $rc -eq 0 ] || ! grep -q 'lock' <<<"$out" || [ $SECONDS -ge $deadline ]; then
      printf '%s\n' "$out"
      return $rc
    fi
    sleep 1
  done
}

for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup installs cmake and dpkg-dev)"
done
for binary in daemon/wedge tools/wedgectl/wedgectl; do
  [ -x "$build_dir/$binary" ] ||
    die "$build_dir/$binary is not built: cmake --build $build_dir --target wedge wedgectl"
done

# --- 1. build ------------------------------------------------------------------------------------
start=$SECONDS
if ! (cd "$build_dir" && cpack -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1); then
  cat "$tmp/cpack.log" >&2
  die "cpack -G DEB failed"
fi
arch=$(dpkg --print-architecture)
deb=$tmp/out/wedge_${version}_${arch}.deb
[ -f "$deb" ] || { ls -l "$tmp/out" >&2; die "no $deb after cpack"; }
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes) in $((SECONDS - start)) s"

# --- 2. files ------------------------------------------------------------------------------------
dpkg-deb -c "$deb" >"$tmp/contents" || die "dpkg-deb -c failed"
# "mode owner/group size date time ./path" -> path without the leading "." and trailing "/"
awk '{print $6}' "$tmp/contents" | sed -e 's|^\./|/|' -e 's|/$||' | grep -v '^$' | sort >"$tmp/paths"
grep -v '^d' "$tmp/contents" | awk '{print $6}' | sed 's|^\./|/|' | sort >"$tmp/files"

expected_files=(
  /usr/bin/wedge
  /usr/bin/wedgectl
  /lib/systemd/system/wedge.service
  /lib/udev/rules.d/60-wedge.rules
  /usr/lib/sysusers.d/wedge.conf
  /etc/wedge/wedge.yaml
  /usr/share/doc/wedge/README.md
  /usr/share/doc/wedge/operations.md
  /usr/share/doc/wedge/configuration.md
  /usr/share/doc/wedge/mqtt-api.md
  /usr/share/doc/wedge/http-api.md
  /usr/share/doc/wedge/copyright
  /usr/share/doc/wedge/changelog.gz
  /usr/share/man/man8/wedge.8.gz
  /usr/share/man/man1/wedgectl.1.gz
  /usr/share/man/man5/wedge.yaml.5.gz
  /usr/share/wedge/grafana/grafana-dashboard.json
)
for template in "$source_dir"/config/templates/*.zpl; do
  expected_files+=("/etc/wedge/templates/$(basename "$template")")
done
printf '%s\n' "${expected_files[@]}" | sort >"$tmp/expected"
if diff -u "$tmp/expected" "$tmp/files" >"$tmp/files.diff"; then
  pass "dpkg-deb -c lists exactly the ${#expected_files[@]} expected files"
else
  fail "dpkg-deb -c file list differs (- expected, + in the package):"; cat "$tmp/files.diff" >&2
fi
check "every entry is owned by root/root" \
  test -z "$(awk '$2 != "root/root"' "$tmp/contents")"
for binary in /usr/bin/wedge /usr/bin/wedgectl; do
  check "$binary is -rwxr-xr-x" grep -q "^-rwxr-xr-x .* \.$binary\$" "$tmp/contents"
done
check "/etc/wedge/wedge.yaml is -rw-r--r--" grep -q '^-rw-r--r-- .* \./etc/wedge/wedge.yaml$' "$tmp/contents"

# --- 3. control fields and maintainer scripts ----------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
check "Package: wedge" test "$(field Package)" = wedge
check "Version: $version (the project version)" test "$(field Version)" = "$version"
check "Architecture: $arch" test "$(field Architecture)" = "$arch"
depends=$(field Depends)
echo "Depends: $depends"
for dep in libc6 libstdc++6 libsystemd0 libsqlite3-0 libmodbus5 libyaml-cpp adduser init-system-helpers; do
  check "Depends names $dep" grep -qF "$dep" <<<"$depends"
done
check "Maintainer is set" test -n "$(field Maintainer)"
check "Description is set" test -n "$(field Description)"

dpkg-deb -I "$deb" >"$tmp/info" || die "dpkg-deb -I failed"
mkdir -p "$tmp/control"
dpkg-deb -e "$deb" "$tmp/control" || die "dpkg-deb -e failed"
for script in postinst prerm postrm; do
  check "dpkg-deb -I lists $script" grep -qE "^ +[0-9]+ bytes, +[0-9]+ lines +\* +$script " "$tmp/info"
  check "$script is executable" test -x "$tmp/control/$script"
  check "$script parses (sh -n)" sh -n "$tmp/control/$script"
done
check "dpkg-deb -I lists conffiles" grep -qE "^ +[0-9]+ bytes, +[0-9]+ lines +conffiles" "$tmp/info"
grep '^/etc/' "$tmp/files" >"$tmp/etc-files"
check "conffiles = every file under /etc" diff -u "$tmp/etc-files" <(sort "$tmp/control/conffiles")
# Commands only, not comments: start or an unconditional restart would start the service; an
# enable outside deb-systemd-helper's "was it enabled before" would enable it on a first install
# (step 6 checks that a first install enables nothing).
check "postinst never starts the service" \
  test -z "$(grep -vE '^ *#' "$tmp/control/postinst" | grep -E 'systemctl +(enable|start|restart)|deb-systemd-invoke +(start|restart)')"
check "postinst registers the unit with deb-systemd-helper" grep -q '^ *deb-systemd-helper update-state wedge.service' "$tmp/control/postinst"
check "postrm purges the unit's state with deb-systemd-helper" grep -q '^ *deb-systemd-helper purge wedge.service' "$tmp/control/postrm"
check "prerm stops the service with deb-systemd-invoke" grep -q '^ *deb-systemd-invoke stop wedge.service' "$tmp/control/prerm"

# --- 4. the unit, the config and the package agree -----------------------------------------------
mkdir -p "$tmp/root"
dpkg-deb -x "$deb" "$tmp/root" || die "dpkg-deb -x failed"
unit=$tmp/root/lib/systemd/system/wedge.service
config=$tmp/root/etc/wedge/wedge.yaml
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
exec_binary=${exec_start%% *}
exec_config=$(sed -n 's/.*--config \([^ ]*\).*/\1/p' <<<"$exec_start")
check "ExecStart binary $exec_binary is in the package" grep -qx "$exec_binary" "$tmp/files"
check "ExecStart --config $exec_config is in the package" grep -qx "$exec_config" "$tmp/files"
config_dir=/etc/$(sed -n 's/^ConfigurationDirectory=//p' "$unit")
check "ConfigurationDirectory= ($config_dir) holds the --config file" test "$(dirname "$exec_config")" = "$config_dir"
state_dir=/var/lib/$(sed -n 's/^StateDirectory=//p' "$unit")
config_state_dir=$(sed -n 's/^state_dir: *\([^ #]*\).*/\1/p' "$config")
check "config state_dir ($config_state_dir) = StateDirectory= ($state_dir)" test "$config_state_dir" = "$state_dir"
sysusers_home=$(awk '$1 == "u" && $2 == "wedge" {print $NF}' "$tmp/root/usr/lib/sysusers.d/wedge.conf")
check "sysusers home ($sysusers_home) = state directory" test "$sysusers_home" = "$state_dir"
check "the unit runs as wedge:wedge" grep -qx 'User=wedge' "$unit"
template_dir=$(sed -n 's/^  template_dir: *\([^ #]*\).*/\1/p' "$config")
case "$template_dir" in
  /*) ;;
  *) template_dir=$config_dir/$template_dir ;;
esac
for template in "$source_dir"/config/templates/*.zpl; do
  check "printing.template_dir ($template_dir) holds $(basename "$template")" \
    grep -qx "$template_dir/$(basename "$template")" "$tmp/files"
done
check "the packaged wedge accepts the packaged config" \
  "$tmp/root/usr/bin/wedge" --check-config "$config"
check "the packaged wedgectl runs (--help)" bash -c "'$tmp/root/usr/bin/wedgectl' --help >/dev/null"

# --- 5. lintian -----------------------------------------------------------------------------------
if command -v lintian >/dev/null; then
  # --no-cfg: the machine's lintianrc must not change the verdict. Info tags are shown, not fatal.
  if lintian --no-cfg --fail-on error,warning --display-info "$deb" >"$tmp/lintian.log" 2>&1; then
    pass "lintian: no errors or warnings ($(grep -c '^[IP]: ' "$tmp/lintian.log") info tags)"
  else
    fail "lintian found errors or warnings:"; grep -v '^[IP]: ' "$tmp/lintian.log" >&2
  fi
else
  fail "lintian is missing (scripts/setup installs it)"
fi
changelog_version=$(zcat "$tmp/root/usr/share/doc/wedge/changelog.gz" | sed -n '1s/^wedge (\([^)]*\)).*/\1/p')
check "the changelog's version ($changelog_version) is the package's" test "$changelog_version" = "$version"
check "the copyright file is DEP-5" grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
  "$tmp/root/usr/share/doc/wedge/copyright"
credentials=$(sed -n 's/^LoadCredential=wedge:\(.*\)$/\1/p' "$unit")
check "the unit loads credentials from the directory the postinst makes ($credentials)" \
  grep -q "^CREDENTIALS_DIR=$credentials\$" "$tmp/control/postinst"
for page in man8/wedge.8 man1/wedgectl.1 man5/wedge.yaml.5; do
  check "man $page renders without warnings" \
    test -z "$(MANWIDTH=80 man --warnings -l "$tmp/root/usr/share/man/$page.gz" 2>&1 >/dev/null)"
done

# --- 6. install and purge for real (root, no wedge package present) -------------------------------
install_reason=""
if [ "$(id -u)" -ne 0 ]; then
  install_reason="not root"
elif wedge_known_to_dpkg; then
  install_reason="a wedge package is already on this machine"
else
  while read -r path; do
    if [ -e "$path" ]; then install_reason="$path already exists"; break; fi
  done <"$tmp/files"
fi
if [ -n "$install_reason" ]; then
  echo "NOTE: dpkg -i / dpkg -P cycle not run: $install_reason"
else
  getent passwd wedge >/dev/null || user_created=1
  getent group wedge >/dev/null || group_created=1
  installed_by_test=1
  if out=$(dpkg_retry -i "$deb"); then
    pass "dpkg -i installs the package"
  else
    fail "dpkg -i: $out"
  fi
  check "the wedge user exists" getent passwd wedge
  check "the wedge group exists" getent group wedge
  for group in dialout input lp; do
    if getent group "$group" >/dev/null; then
      check "wedge is a member of $group" bash -c "id -nG wedge | tr ' ' '\n' | grep -qx $group"
    fi
  done
  check "/var/lib/wedge is owned by wedge:wedge, mode 750" \
    test "$(stat -c '%U:%G %a' /var/lib/wedge 2>/dev/null)" = "wedge:wedge 750"
  check "/etc/wedge/credentials is owned by root:root, mode 700" \
    test "$(stat -c '%U:%G %a' /etc/wedge/credentials 2>/dev/null)" = "root:root 700"
  check "/usr/bin/wedge accepts /etc/wedge/wedge.yaml" /usr/bin/wedge --check-config /etc/wedge/wedge.yaml
  check "the service is not enabled" test ! -e /etc/systemd/system/multi-user.target.wants/wedge.service
  if [ -d /run/systemd/system ]; then
    check "the service is not started" bash -c '! systemctl is-active --quiet wedge.service'
  else
    echo "note: systemd is not running here; the scripts skipped daemon-reload and udevadm"
  fi
  if out=$(dpkg_retry -P wedge); then
    pass "dpkg -P purges the package"
  else
    fail "dpkg -P: $out"
  fi
  if wedge_known_to_dpkg; then fail "dpkg still knows the package after -P"; else pass "dpkg no longer knows the package"; fi
  check "/usr/bin/wedge is gone" test ! -e /usr/bin/wedge
  check "/etc/wedge/wedge.yaml is gone" test ! -e /etc/wedge/wedge.yaml
  check "/var/lib/wedge is gone (purge)" test ! -e /var/lib/wedge
  check "/etc/wedge/credentials is gone (purge)" test ! -e /etc/wedge/credentials
fi

echo "$((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]

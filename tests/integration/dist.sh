# What the test_dist_* scripts share: the source tree, the commands of this
# build, and the Debian package CPack makes of it (only the scripts that
# need the package build it: it takes cpack, dpkg-shlibdeps and gzip, and
# they are labelled heavy). Sourced after lib.sh.
# (No `producer | grep -q` or `| head` in these scripts: under pipefail, the
# producer's SIGPIPE when the reader stops early would fail the test at
# random.)
src=$(cd "$(dirname "$TESTLIB")/../.." && pwd)

# The commands of this build (CLI11 answers --help of an unknown command with
# the top-level help, so ask the parent for its list).
subcommands_of() { "$PMXSNAP" "$@" --help | awk '/^Subcommands:/ { on = 1; next } on && NF { print $1 }'; }
has_command() { # COMMAND [SUBCOMMAND]
  local parent=("${@:1:$#-1}")
  grep -qx -- "${!#}" <<<"$(subcommands_of "${parent[@]}")"
}

# build_package: cpack -G DEB of the build $PMXSNAP is from, into
# $scratch/pkg; $deb is the package, extracted into $r. Sets what the
# package should be: $version, $arch, $release, $codename, $package_version
# and $unitdir.
build_package() {
  need cpack dpkg-deb dpkg-shlibdeps gzip
  build=$(cd "$(dirname "$PMXSNAP")/.." && pwd) # $PMXSNAP is <build>/cli/pmxsnap
  [ -f "$build/CPackConfig.cmake" ] || fail "no CPackConfig.cmake in $build"
  version=$("$PMXSNAP" --version | awk '{ print $2 }')
  arch=$(dpkg --print-architecture)
  # The package is for this machine's release: 0.2.0-1~deb13, units where its
  # systemd looks (/usr/lib/systemd/system from Debian 13 on).
  release=$(. /etc/os-release && echo "${VERSION_ID%%.*}")
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  package_version=$version-1~deb$release
  unitdir=usr/lib/systemd/system
  [ "$release" -ge 13 ] || unitdir=lib/systemd/system
  run 0 cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/pkg"
  deb=$scratch/pkg/pmxsnap_${package_version}_${arch}.deb
  [ -f "$deb" ] || fail "cpack made no $(basename "$deb"): $(ls "$scratch/pkg")"
  r=$scratch/root-deb
  dpkg-deb -x "$deb" "$r"
}

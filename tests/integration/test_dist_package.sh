# The Debian package CPack builds (cmake/Packaging.cmake, dist/): it holds
# every expected file and nothing else, all root's, with the right modes;
# its control fields are sane (version = the binary's and the release's,
# Depends from dpkg-shlibdeps); the config file is a conffile and the
# maintainer scripts enable nothing; every packaged file equals its source,
# the changelog names the release, the packaged binary runs; lintian finds
# no error or warning. What the package's units do is test_dist_units.
source "$TESTLIB"
source "$(dirname "$TESTLIB")/dist.sh"
build_package
pass "cpack -G DEB builds $(basename "$deb")"

expected=$(
  {
    echo ./usr/bin/pmxsnap
    for page in "$src"/man/*.1; do echo "./usr/share/man/man1/$(basename "$page").gz"; done
    for page in "$src"/man/*.5; do echo "./usr/share/man/man5/$(basename "$page").gz"; done
    for unit in "$src"/dist/systemd/*; do echo "./$unitdir/$(basename "$unit")"; done
    echo ./usr/share/bash-completion/completions/pmxsnap
    echo ./etc/pmxsnap/pmxsnap.conf
    echo ./usr/share/doc/pmxsnap/examples/pmxsnap.conf
    echo ./usr/share/doc/pmxsnap/examples/offsite-rclone
    echo ./usr/share/doc/pmxsnap/examples/offsite-restic
    echo ./usr/lib/pmxsnap/pmxsnap-notify
    echo ./usr/share/doc/pmxsnap/copyright
    echo ./usr/share/doc/pmxsnap/changelog.Debian.gz
    echo ./usr/share/lintian/overrides/pmxsnap
  } | sort
)
listing=$(dpkg-deb -c "$deb")
files=$(printf '%s\n' "$listing" | awk '$1 !~ /^d/ { print $6 }' | sort)
[ "$files" = "$expected" ] || fail "package files differ from the expected ones:
$(diff <(printf '%s\n' "$expected") <(printf '%s\n' "$files"))"
for unit in pmxsnap-snapshot.service pmxsnap-snapshot.timer pmxsnap-snapshot.path \
  pmxsnap-prune.service pmxsnap-prune.timer pmxsnap-drill.service pmxsnap-drill.timer \
  pmxsnap-notify@.service; do
  contains "$files" "./$unitdir/$unit"
done
printf '%s\n' "$listing" | awk '$2 != "root/root" { bad = 1; print } END { exit bad }' >/dev/null ||
  fail "package entries not owned by root: $listing"
for program in usr/bin/pmxsnap usr/lib/pmxsnap/pmxsnap-notify usr/share/doc/pmxsnap/examples/offsite-rclone \
  usr/share/doc/pmxsnap/examples/offsite-restic; do
  grep -q "^-rwxr-xr-x .* \./$program\$" <<<"$listing" || fail "$program is not 0755"
done
grep -q '^-rw-r--r-- .* \./etc/pmxsnap/pmxsnap.conf$' <<<"$listing" ||
  fail "pmxsnap.conf is not 0644"
grep -q ' \./etc/pmxsnap/trusted.d/$' <<<"$listing" || fail "no /etc/pmxsnap/trusted.d/"
pass "the package holds the binary, $(ls "$src"/man/*.[15] | wc -l) gzipped manual pages, 8 units, the notify helper, completion, config and docs, owned by root, nothing else"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = pmxsnap ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$package_version" ] ||
  fail "Version: $(field Version), expected $package_version (pmxsnap $version on Debian $release)"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
[ "$(field Section)" = admin ] || fail "Section: $(field Section)"
[ "$(field Priority)" = optional ] || fail "Priority: $(field Priority)"
maintainer='^[^<]+ <[^@>]+@[^>]+>$'
[[ $(field Maintainer) =~ $maintainer ]] || fail "Maintainer: $(field Maintainer)"
depends=$(field Depends)
# Debian 13 renamed some libraries in the 64-bit time_t transition
# (libarchive13t64): the name with or without the suffix, as the release has it.
for library in libc6 libsqlite3-0 libsodium23 libzstd1 libarchive13 libcmap4; do
  [[ $depends == *"$library ("* || $depends == *"${library}t64 ("* ]] ||
    fail "Depends lacks $library: $depends"
done
synopsis=$(field Description | sed -n 1p)
[ -n "$synopsis" ] && [ ${#synopsis} -le 80 ] || fail "Description synopsis: '$synopsis'"
[ "$(field Description | wc -l)" -gt 3 ] || fail "no extended description"
[[ $(field Installed-Size) =~ ^[0-9]+$ ]] || fail "Installed-Size: $(field Installed-Size)"
pass "control: pmxsnap $package_version $arch, section admin, Depends from dpkg-shlibdeps ($(echo "$depends" | tr ',' '\n' | wc -l) libraries), maintainer, description"

dpkg-deb -e "$deb" "$scratch/control"
[ "$(cat "$scratch/control/conffiles")" = /etc/pmxsnap/pmxsnap.conf ] ||
  fail "conffiles: $(cat "$scratch/control/conffiles")"
for script in postinst prerm postrm; do
  [ -x "$scratch/control/$script" ] || fail "no executable $script"
  sh -n "$scratch/control/$script" || fail "$script: syntax error"
  ! grep -q 'systemctl .*enable\|deb-systemd-invoke start\|deb-systemd-helper enable' \
    "$scratch/control/$script" || fail "$script enables or starts a unit"
done
[ -s "$scratch/control/md5sums" ] || fail "no md5sums"
pass "/etc/pmxsnap/pmxsnap.conf is a conffile; maintainer scripts parse and enable nothing"

for unit in "$src"/dist/systemd/*; do
  cmp -s "$unit" "$r/$unitdir/$(basename "$unit")" || fail "$(basename "$unit") differs"
done
cmp -s "$src/dist/pmxsnap.conf" "$r/etc/pmxsnap/pmxsnap.conf" || fail "pmxsnap.conf differs"
cmp -s "$src/dist/pmxsnap.conf" "$r/usr/share/doc/pmxsnap/examples/pmxsnap.conf" ||
  fail "examples/pmxsnap.conf differs"
cmp -s "$src/dist/bash-completion/pmxsnap" "$r/usr/share/bash-completion/completions/pmxsnap" ||
  fail "bash completion differs"
cmp -s "$src/dist/libexec/pmxsnap-notify" "$r/usr/lib/pmxsnap/pmxsnap-notify" || fail "pmxsnap-notify differs"
for recipe in offsite-rclone offsite-restic; do
  cmp -s "$src/dist/examples/$recipe" "$r/usr/share/doc/pmxsnap/examples/$recipe" || fail "$recipe differs"
done
for page in "$src"/man/*.[15]; do
  section=${page##*.}
  gzip -dc "$r/usr/share/man/man$section/$(basename "$page").gz" | cmp -s - "$page" ||
    fail "man$section/$(basename "$page").gz is not $page"
done
changelog=$(gzip -dc "$r/usr/share/doc/pmxsnap/changelog.Debian.gz")
[ "$(sed -n 1p <<<"$changelog")" = "pmxsnap ($package_version) $codename; urgency=medium" ] ||
  fail "changelog does not start with $package_version for $codename: $(sed -n 1p <<<"$changelog")"
[ "$(sed -n 3p <<<"$changelog")" = "  * Built for Debian $release ($codename)." ] ||
  fail "changelog's newest entry does not say the release: $(sed -n 3p <<<"$changelog")"
[ "$(sed -n '4,$p' <<<"$changelog")" = "$(sed -n '3,$p' "$src/dist/debian/changelog")" ] ||
  fail "changelog.Debian.gz is not dist/debian/changelog under its release line"
[ "$("$r/usr/bin/pmxsnap" --version)" = "pmxsnap $version" ] || fail "packaged binary does not run"
pass "packaged files equal their sources; changelog at $package_version ($codename); the packaged binary runs"

# lintian: no error and no warning (the remaining info tags and why they
# stay are in dist/PACKAGING.md).
if [[ $(ldd "$PMXSNAP") == *libasan* || $(ldd "$PMXSNAP") == *libubsan* ]]; then
  echo "note: a sanitizer build; lintian is for the package that ships, left out"
elif command -v lintian >/dev/null; then
  run 0 lintian --fail-on error,warning --display-info --pedantic "$deb"
  tags=$(printf '%s\n' "$out" | grep -c '^[EWIP]: ' || true)
  pass "lintian: no error or warning ($tags info/pedantic tags)"
else
  skip_part "lintian not installed; the package was not linted"
fi

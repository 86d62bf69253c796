# What makes pmxsnap installable on a node (dist/, man/, cmake/Packaging.cmake):
# the Debian package CPack builds holds every expected file and nothing else,
# with sane control fields; the systemd units load (systemd-analyze verify, in
# a root made of the package's files) and stay hardened; every manual page
# lints clean; the example config is understood by the binary and documented;
# the bash completion completes what the binary accepts; and a snapshot works
# inside the service's sandbox, where /var/lib/pve-cluster is read-only.
# (No `producer | grep -q` or `| head` here: under pipefail, the producer's
# SIGPIPE when the reader stops early would fail the test at random.)
source "$TESTLIB"
need systemd-analyze mandoc cpack dpkg-deb dpkg-shlibdeps gzip
src=$(cd "$(dirname "$TESTLIB")/../.." && pwd)
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

# --- The package --------------------------------------------------------------
run 0 cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/pkg"
deb=$scratch/pkg/pmxsnap_${package_version}_${arch}.deb
[ -f "$deb" ] || fail "cpack made no $(basename "$deb"): $(ls "$scratch/pkg")"
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
  pmxsnap-prune.service pmxsnap-prune.timer pmxsnap-drill.service pmxsnap-drill.timer; do
  contains "$files" "./$unitdir/$unit"
done
printf '%s\n' "$listing" | awk '$2 != "root/root" { bad = 1; print } END { exit bad }' >/dev/null ||
  fail "package entries not owned by root: $listing"
grep -q '^-rwxr-xr-x .* \./usr/bin/pmxsnap$' <<<"$listing" || fail "pmxsnap is not 0755"
grep -q '^-rw-r--r-- .* \./etc/pmxsnap/pmxsnap.conf$' <<<"$listing" ||
  fail "pmxsnap.conf is not 0644"
grep -q ' \./etc/pmxsnap/trusted.d/$' <<<"$listing" || fail "no /etc/pmxsnap/trusted.d/"
pass "the package holds the binary, $(ls "$src"/man/*.[15] | wc -l) gzipped manual pages, 7 units, completion, config and docs, owned by root, nothing else"

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

dpkg-deb -x "$deb" "$scratch/root-deb"
r=$scratch/root-deb
for unit in "$src"/dist/systemd/*; do
  cmp -s "$unit" "$r/$unitdir/$(basename "$unit")" || fail "$(basename "$unit") differs"
done
cmp -s "$src/dist/pmxsnap.conf" "$r/etc/pmxsnap/pmxsnap.conf" || fail "pmxsnap.conf differs"
cmp -s "$src/dist/pmxsnap.conf" "$r/usr/share/doc/pmxsnap/examples/pmxsnap.conf" ||
  fail "examples/pmxsnap.conf differs"
cmp -s "$src/dist/bash-completion/pmxsnap" "$r/usr/share/bash-completion/completions/pmxsnap" ||
  fail "bash completion differs"
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
  echo "note: lintian not installed; the package was not linted"
fi

# --- systemd units ------------------------------------------------------------
# systemd-analyze verify needs the units' binaries and the units they depend
# on (sysinit.target, ...): a root made of the package's files, systemd's own
# units and sleep(1). The Documentation= pages are looked up with man(1), on
# the package's manual pages. Warnings (an unknown key, a value that does
# not parse) leave its exit status 0, so any output fails too.
cp -an "/$unitdir/." "$r/$unitdir/"
mkdir -p "$r/usr/bin" && cp /bin/sleep "$r/usr/bin/sleep" && ln -s usr/bin "$r/bin"
units=()
for unit in "$src"/dist/systemd/*; do units+=("$r/$unitdir/$(basename "$unit")"); done
run 0 env MANPATH="$r/usr/share/man" systemd-analyze verify --root="$r" "${units[@]}"
[ -z "$out$err" ] || fail "systemd-analyze verify: $out$err"
pass "systemd-analyze verify: ${#units[@]} units clean (binary, sleep, targets, man pages found)"

# The check is real: a misspelt key, a bad calendar and a missing man page
# are each caught.
cp "$r/$unitdir/pmxsnap-snapshot.timer" "$scratch/saved.timer"
sed -i 's/^OnCalendar=hourly/OnCalendar=hourli/' "$r/$unitdir/pmxsnap-snapshot.timer"
run 1 env MANPATH="$r/usr/share/man" systemd-analyze verify --root="$r" \
  "$r/$unitdir/pmxsnap-snapshot.timer"
cp "$scratch/saved.timer" "$r/$unitdir/pmxsnap-snapshot.timer"
cp "$r/$unitdir/pmxsnap-prune.service" "$scratch/saved.service"
sed -i 's/^Nice=19/Nicely=19/' "$r/$unitdir/pmxsnap-prune.service"
run 0 env MANPATH="$r/usr/share/man" systemd-analyze verify --root="$r" \
  "$r/$unitdir/pmxsnap-prune.service"
contains "$err" "Unknown key"
cp "$scratch/saved.service" "$r/$unitdir/pmxsnap-prune.service"
mv "$r/usr/share/man/man5/pmxsnap.conf.5.gz" "$scratch/"
run 1 env MANPATH="$r/usr/share/man" systemd-analyze verify --root="$r" \
  "$r/$unitdir/pmxsnap-prune.service"
contains "$err" "pmxsnap.conf(5)"
mv "$scratch/pmxsnap.conf.5.gz" "$r/usr/share/man/man5/"
pass "systemd-analyze verify catches a bad OnCalendar=, an unknown key and a missing man page"

for service in pmxsnap-snapshot.service pmxsnap-prune.service; do
  # Exposure 0.0 (locked down) to 10.0; --threshold is in tenths.
  run 0 systemd-analyze security --offline=true --root="$r" --threshold=20 --no-pager \
    "$r/$unitdir/$service"
  level=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  contains "$out" "ProtectSystem="
  pass "$service: exposure $level (at most 2.0)"
done
unit=$src/dist/systemd/pmxsnap-snapshot.service
grep -qx 'ExecStart=/usr/bin/pmxsnap snapshot --if-changed' "$unit" ||
  fail "snapshot service ExecStart changed"
for setting in Type=oneshot ProtectSystem=strict ReadWritePaths=-/var/backups/pmxsnap \
  ReadWritePaths=-/var/lib/prometheus/node-exporter PrivateTmp=yes NoNewPrivileges=yes \
  ProtectHome=yes PrivateDevices=yes RestrictAddressFamilies=AF_UNIX IOSchedulingClass=idle \
  'ExecStartPre=/bin/sleep 30'; do
  grep -qx "$setting" "$unit" || fail "pmxsnap-snapshot.service lacks $setting"
done
grep -q '^CapabilityBoundingSet=CAP_DAC_READ_SEARCH' "$unit" || fail "capabilities not bounded"
grep -q '^TimeoutStartSec=' "$unit" || fail "no TimeoutStartSec="
path=$src/dist/systemd/pmxsnap-snapshot.path
grep -qx 'PathModified=/var/lib/pve-cluster/config.db-wal' "$path" || fail "path unit: db WAL"
grep -qx 'PathChanged=/etc/corosync/corosync.conf' "$path" || fail "path unit: corosync.conf"
grep -qx 'Unit=pmxsnap-snapshot.service' "$path" || fail "path unit: target"
for timer in pmxsnap-snapshot.timer pmxsnap-prune.timer pmxsnap-drill.timer; do
  grep -qx 'Persistent=true' "$src/dist/systemd/$timer" || fail "$timer not persistent"
done
grep -qx 'OnCalendar=hourly' "$src/dist/systemd/pmxsnap-snapshot.timer" || fail "snapshot timer"
grep -qx 'OnCalendar=daily' "$src/dist/systemd/pmxsnap-prune.timer" || fail "prune timer"
grep -qx 'ExecStart=/usr/bin/pmxsnap prune' "$src/dist/systemd/pmxsnap-prune.service" ||
  fail "prune service ExecStart"
grep -qx 'OnCalendar=monthly' "$src/dist/systemd/pmxsnap-drill.timer" || fail "drill timer"
grep -qx 'ExecStart=/usr/bin/pmxsnap verify --latest --drill' "$src/dist/systemd/pmxsnap-drill.service" ||
  fail "drill service ExecStart"
grep -q 'pmxsnap-drill.timer' "$src/dist/debian/postinst" || fail "postinst forgets the drill timer"
pass "units: the sandbox, the debounce, the watched paths and the schedules are as documented"

# --- Manual pages -------------------------------------------------------------
pages=0
for page in "$src"/man/*.[1-9]; do
  lint=$(mandoc -Tlint -W warning "$page" 2>&1) || fail "mandoc -Tlint $page: $lint"
  [ -z "$lint" ] || fail "mandoc -Tlint -W warning $page: $lint"
  pages=$((pages + 1))
done
for page in pmxsnap-snapshot.1 pmxsnap-list.1 pmxsnap-inspect.1 pmxsnap-keygen.1 pmxsnap.conf.5; do
  [ -f "$src/man/$page" ] || fail "no man/$page"
  for section in NAME SYNOPSIS DESCRIPTION 'EXIT STATUS' FILES EXAMPLES 'SEE ALSO'; do
    [ "$page.$section" = "pmxsnap.conf.5.EXIT STATUS" ] && continue
    grep -qx "\.SH $section" "$src/man/$page" || fail "man/$page has no $section section"
  done
  name=${page%.*}
  grep -qF ".BR ${name//-/\\-} (${page##*.})" "$src/man/pmxsnap.1" ||
    fail "pmxsnap(1) does not refer to $name(${page##*.})"
done
# Every option the binary accepts is in its page: the global ones in
# pmxsnap(1), each command's own in pmxsnap-COMMAND(1).
globals=$("$PMXSNAP" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
for option in $globals; do
  grep -qF -- "${option//-/\\-}" "$src/man/pmxsnap.1" || fail "pmxsnap(1) does not document $option"
done
for command in snapshot list inspect keygen; do
  for option in $("$PMXSNAP" "$command" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    grep -qx -- "$option" <<<"$globals" && [ "$command.$option" != snapshot.--key ] && continue
    grep -qF -- "${option//-/\\-}" "$src/man/pmxsnap-$command.1" ||
      fail "pmxsnap-$command(1) does not document $option"
  done
done
pass "mandoc -Tlint -W warning: $pages pages clean; the new pages have their sections and pmxsnap(1) links them; every option of pmxsnap, snapshot, list, inspect and keygen is documented"

# --- The example configuration -----------------------------------------------
# Every key (set or commented out) names an option of its section's command
# in this build, or one still being added on another branch; and is
# documented in pmxsnap.conf(5). CLI11 ignores unknown keys without a word,
# so a typo here would silently do nothing.
# The commands of this build (CLI11 answers --help of an unknown command with
# the top-level help, so ask the parent for its list).
subcommands_of() { "$PMXSNAP" "$@" --help | awk '/^Subcommands:/ { on = 1; next } on && NF { print $1 }'; }
has_command() { # COMMAND [SUBCOMMAND]
  local parent=("${@:1:$#-1}")
  grep -qx -- "${!#}" <<<"$(subcommands_of "${parent[@]}")"
}
pending=' '
conf=$src/dist/pmxsnap.conf
checked=0
while IFS='|' read -r section option; do
  if [ -z "$section" ]; then
    help=$("$PMXSNAP" --help)
  elif has_command ${section//./ }; then
    help=$("$PMXSNAP" ${section//./ } --help)
  else
    [ "${noted-}" = "$section" ] ||
      echo "note: no '$section' command in this build; its keys are checked against pmxsnap.conf(5) only"
    noted=$section help=''
  fi
  if [ -n "$help" ] && ! grep -q -- "--$option\b" <<<"$help"; then
    [[ $pending == *" $section:$option "* ]] || fail "pmxsnap.conf: [$section] $option is no option of pmxsnap $section"
    echo "note: [$section] $option is not in this build yet (being added on another branch)"
  fi
  grep -qF -- "${option//-/\\-}" "$src/man/pmxsnap.conf.5" || fail "pmxsnap.conf(5) does not document $option"
  checked=$((checked + 1))
done < <(awk '/^\[/ { gsub(/[][]/, ""); section = $0; next }
              /^#?[a-z][a-z-]* = / { sub(/^#/, ""); print section "|" $1 }' "$conf")
[ "$checked" -ge 20 ] || fail "only $checked keys found in $conf"
pass "pmxsnap.conf: $checked keys, each an option of its command (or pending) and documented"

make_node
make_key
run 0 "$PMXSNAP" --config "$conf" --root "$scratch/root" --repo "$repo" --key "$key" --offline snapshot
[ "$(archives | wc -l)" -eq 1 ] || fail "no archive with the example config"
if has_command prune; then
  run 0 "$PMXSNAP" --config "$conf" --repo "$repo" --key "$key" prune --dry-run
  pass "the example config drives snapshot and prune --dry-run"
else
  pass "the example config drives snapshot (no prune command in this build yet)"
fi

# Precedence: built-in default < config file < command line, wherever the
# option stands; a command's section wins over the top for that command.
cat >"$scratch/precedence.conf" <<EOF
repo = $scratch/from-file
key = $key
root = $scratch/root
offline = yes
[snapshot]
note = "set in the file"
EOF
run 0 "$PMXSNAP" --config "$scratch/precedence.conf" snapshot
[ -n "$(find "$scratch/from-file" -name '*.pmxsnap')" ] || fail "repo= from the file not used"
run 0 "$PMXSNAP" inspect "$(find "$scratch/from-file" -name '*.pmxsnap')"
contains "$out" "note: set in the file"
run 0 "$PMXSNAP" --config "$scratch/precedence.conf" snapshot --repo "$scratch/cli-after"
run 0 "$PMXSNAP" --config "$scratch/precedence.conf" --repo "$scratch/cli-before" snapshot
[ -n "$(find "$scratch/cli-after" "$scratch/cli-before" -name '*.pmxsnap' | sed -n 2p)" ] ||
  fail "--repo on the command line did not win over the file"
printf '[snapshot]\nrepo = %s\n' "$scratch/from-section" >>"$scratch/precedence.conf"
run 0 "$PMXSNAP" --config "$scratch/precedence.conf" snapshot
[ -n "$(find "$scratch/from-section" -name '*.pmxsnap')" ] || fail "[snapshot] repo= did not win"
printf '[snapshot]\nlock-wait = soon\n' >"$scratch/bad.conf"
run 2 "$PMXSNAP" --config "$scratch/bad.conf" snapshot --root "$scratch/root" --repo "$repo" --key "$key"
contains "$err" "--lock-wait"
run 2 "$PMXSNAP" --config "$scratch/missing.conf" list --repo "$repo"
pass "precedence as pmxsnap.conf(5) says: default < file < command line; [snapshot] over the top; bad value and missing --config exit 2"

# --- Bash completion ------------------------------------------------------------
# In a plain bash (no bash-completion package needed), as readline calls it.
completion=$src/dist/bash-completion/pmxsnap
complete_line() { # WORDS... (the last one is being completed) -> candidates, one per line
  bash -c 'source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _pmxsnap; printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@"
}
archive=$(archives | sed -n 1p)
[ "$(complete_line pmxsnap sn)" = snapshot ] || fail "pmxsnap sn<TAB>: $(complete_line pmxsnap sn)"
diff_words=$(complete_line pmxsnap --repo "$repo" diff '')
for word in live latest latest@ latest@pve1 "$archive"; do
  grep -qxF -- "$word" <<<"$diff_words" || fail "pmxsnap diff <TAB> lacks $word: $diff_words"
done
[ -z "$(complete_line pmxsnap --repo "$repo" diff live latest '')" ] || fail "diff takes two sources"
grep -qxF -- "$archive" <<<"$(complete_line pmxsnap diff --repo="$repo" live '')" ||
  fail "--repo=DIR after the command not used"
grep -qxF -- "$archive" <<<"$(complete_line pmxsnap --repo = "$repo" verify '')" ||
  fail "--repo = DIR (split by readline) not used"
printf 'repo = %s # comment\n[snapshot]\nrepo = /elsewhere\n' "$repo" >"$scratch/completion.conf"
grep -qxF -- "$archive" <<<"$(complete_line pmxsnap --config "$scratch/completion.conf" restore plan '')" ||
  fail "repo= of --config not used"
restore_words=$(complete_line pmxsnap --repo "$repo" restore file '')
for word in latest latest~1 latest@pve1 "$archive"; do
  grep -qxF -- "$word" <<<"$restore_words" || fail "pmxsnap restore file <TAB> lacks $word: $restore_words"
done
grep -qxF /etc/corosync/corosync.conf <<<"$(complete_line pmxsnap --repo "$repo" restore file latest '')" ||
  fail "pmxsnap restore file latest <TAB>: $(complete_line pmxsnap --repo "$repo" restore file latest '')"
[ "$(complete_line pmxsnap restore '' | sort | tr '\n' ' ')" = "apply extract file plan " ] ||
  fail "pmxsnap restore <TAB>: $(complete_line pmxsnap restore '')"
[ "$(complete_line pmxsnap restore plan --scenario '' | tr '\n' ' ')" = "auto single-node rejoin cluster file " ] ||
  fail "--scenario values"
[ "$(complete_line pmxsnap --repo "$repo" list --node '')" = pve1 ] || fail "--node names"
[ "$(complete_line pmxsnap --repo "$repo" list --cluster '')" = demo ] || fail "--cluster names"
mkdir "$scratch/a-directory"
[ "$(complete_line pmxsnap --root "$scratch/a-dir")" = "$scratch/a-directory" ] || fail "--root DIR"
[ -z "$(complete_line pmxsnap snapshot --note '')" ] || fail "--note offered candidates"
# It offers every command and every option the binary has (it may know
# options still being added on other branches).
commands=$(subcommands_of)
offered=$(complete_line pmxsnap '')
for command in $commands; do
  grep -qx "$command" <<<"$offered" || fail "completion does not offer command $command"
done
for command in $commands; do
  list=("$command")
  [ "$command" = restore ] && mapfile -t list < <(subcommands_of restore | sed 's/^/restore /')
  for words in "${list[@]}"; do
    read -ra argv <<<"$words"
    offered=$(complete_line pmxsnap "${argv[@]}" --)
    for option in $("$PMXSNAP" "${argv[@]}" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
      grep -qx -- "$option" <<<"$offered" || fail "pmxsnap $words --<TAB> lacks $option"
    done
  done
done
pass "bash completion: commands, options (all the binary's), values, archives from --repo/--config, live/latest@NODE for diff"

# --- The service's sandbox ------------------------------------------------------
# ProtectSystem=strict makes /var/lib/pve-cluster read-only for the service.
# A snapshot must work there, with pmxcfs holding the db (one read
# transaction) and without (a private copy): then it cannot open config.db,
# -wal or -shm for writing, and closing them cannot trigger the path unit.
if ! command -v unshare >/dev/null || ! command -v sqlite3 >/dev/null ||
  ! unshare -m --propagation private true 2>/dev/null; then
  echo "note: no unshare/sqlite3 or no mount namespace here; sandbox check left out"
else
  "$MKFIXTURE" --root "$scratch/sandbox-root" --wal-tail 5 >/dev/null
  live=$scratch/sandbox-root/var/lib/pve-cluster
  mkdir "$scratch/wal-copy" && cp "$live/config.db" "$live/config.db-wal" "$scratch/wal-copy/"
  wal_version=$(sqlite3 "$scratch/wal-copy/config.db" "select version from tree where inode = 0")
  sandboxed() { # the snapshot with the db's directory mounted read-only
    unshare -m --propagation private bash -c '
      mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99
      touch "$1/probe" 2>/dev/null && exit 98
      shift; exec "$@"' _ "$live" "$PMXSNAP" --json snapshot --root "$scratch/sandbox-root" \
      --repo "$scratch/sandbox-repo" --key "$key" --offline
  }
  version_of() { printf '%s\n' "$1" | sed -n 's/.*"db_version": \([0-9]*\).*/\1/p'; }
  # pmxcfs's place: a read-only sqlite3 holding the db open.
  coproc holder { sqlite3 -readonly "$live/config.db"; }
  echo 'select count(*) from tree;' >&"${holder[1]}"
  read -r -t 10 _ <&"${holder[0]}" || fail "sqlite3 did not open the db"
  before=$(sha256sum "$live"/config.db*)
  run 0 sandboxed
  contains "$out" '"copy_method": "read-transaction"'
  [ "$(version_of "$out")" = "$wal_version" ] || fail "held: db version $(version_of "$out"), with the WAL $wal_version"
  [ "$before" = "$(sha256sum "$live"/config.db*)" ] || fail "the live db files changed (held)"
  exec {holder[1]}>&-
  wait "$holder_PID" 2>/dev/null || true
  before=$(sha256sum "$live"/config.db*)
  run 0 sandboxed
  contains "$out" '"copy_method": "private-copy"'
  [ "$(version_of "$out")" = "$wal_version" ] || fail "private copy: db version $(version_of "$out"), with the WAL $wal_version"
  [ "$before" = "$(sha256sum "$live"/config.db*)" ] || fail "the live db files changed"
  pass "snapshot under a read-only /var/lib/pve-cluster: one read transaction (db held) and a private copy, both at version $wal_version (WAL included)"
fi

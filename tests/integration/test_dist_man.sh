# The manual pages (man/): every page lints clean with mandoc -Tlint -W
# warning; the pages of snapshot, list, status, inspect, keygen and
# pmxsnap.conf(5) have their sections and pmxsnap(1) links them; every
# option the binary accepts is documented, the global ones in pmxsnap(1),
# each command's own in pmxsnap-COMMAND(1). That the package ships these
# pages is test_dist_package.
source "$TESTLIB"
source "$(dirname "$TESTLIB")/dist.sh"
need mandoc

pages=0
for page in "$src"/man/*.[1-9]; do
  lint=$(mandoc -Tlint -W warning "$page" 2>&1) || fail "mandoc -Tlint $page: $lint"
  [ -z "$lint" ] || fail "mandoc -Tlint -W warning $page: $lint"
  pages=$((pages + 1))
done
for page in pmxsnap-snapshot.1 pmxsnap-list.1 pmxsnap-status.1 pmxsnap-inspect.1 pmxsnap-keygen.1 pmxsnap.conf.5; do
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
for command in snapshot list status inspect keygen; do
  for option in $("$PMXSNAP" "$command" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    grep -qx -- "$option" <<<"$globals" && [ "$command.$option" != snapshot.--key ] && continue
    grep -qF -- "${option//-/\\-}" "$src/man/pmxsnap-$command.1" ||
      fail "pmxsnap-$command(1) does not document $option"
  done
done
pass "mandoc -Tlint -W warning: $pages pages clean; the new pages have their sections and pmxsnap(1) links them; every option of pmxsnap, snapshot, list, inspect and keygen is documented"

# The man pages: landed.conf(5) describes every key of docs/config.md,
# landed(1) names every report format, both render without groff
# warnings, and `make install` installs them.
#
# Needs: groff, make.
set -u
. tests/lib/check.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-man.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

for key in $(sed -n 's/^| `\([a-z_]*\)` |.*/\1/p' docs/config.md); do
	check_contains "landed.conf.5 describes $key" ".It Cm $key
" "$(cat man/landed.conf.5)
"
done

for format in table json csv junit html; do
	check_contains "landed.1 describes format $format" ".It Cm $format" \
	    "$(sed -n '/^\.Sh REPORT FORMATS/,/^\.Sh ENVIRONMENT/p' man/landed.1)"
done

for page in man/landed.1 man/landed.conf.5; do
	check_eq "$page renders without warnings" "" \
	    "$(groff -mandoc -ww -z "$page" 2>&1)"
done

# -o keeps make from rebuilding the binary that other tests are running.
make -s -o build/landed install DESTDIR="$work/root" PREFIX=/usr \
    >"$work/install.log" 2>&1
check_eq "make install exit status" 0 "$?"
for page in man1/landed.1 man5/landed.conf.5; do
	check_eq "installed $page" yes \
	    "$([ -f "$work/root/usr/share/man/$page" ] && echo yes || echo no)"
done

check_finish

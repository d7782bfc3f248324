#!/bin/sh
# t/check-layers.sh [TOP]: every #include in lib/ points down the family
# order that README.md's "Layout" section states, one line per family:
#
#     lib/git/       ...                                   <- util
#
# A file may include its own family's headers and those of the families
# after its "<-"; anything else is a back-edge, printed as
# "lib/F/x.c: includes other/y.h (F may use: ...)".  Exit 1 on any.
top=${1:-$(cd "${0%/*}/.." && pwd)}
cd "$top" || exit 2
[ -f README.md ] || { echo "check-layers: no README.md in $top" >&2; exit 2; }

# "family allowed..." per line, from the README's layout lines: a line
# "    lib/F/ ..." names a family, the "<-" on it or on an indented line
# that continues it lists what F may use.
order=$(awk '
	/^    lib\/[a-z]+\// { fam = $1; sub(/^lib\//, "", fam); sub(/\/$/, "", fam) }
	/^    / && fam != "" && /<-/ { s = $0; sub(/.*<- */, "", s); gsub(/,/, "", s); print fam, s; fam = "" }
	!/^    / { fam = "" }
' README.md)
[ -n "$order" ] || { echo "check-layers: README.md states no family order" >&2; exit 2; }

check_family() { # DIR FAMILY ALLOWED
	for src in "$1"*.[ch]; do
		[ -f "$src" ] || continue
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$src" |
		while read -r inc; do
			case $inc in
			"$2"/*) ;;
			*/*)
				case " $3 " in
				*" ${inc%%/*} "*) ;;
				*) echo "$src: includes $inc ($2 may use: ${3:-nothing})" ;;
				esac
				;;
			*)
				[ -f "$1$inc" ] || echo "$src: includes $inc, which is not in $1"
				;;
			esac
		done
	done
}

problems=$(
	for dir in lib/*/; do
		fam=${dir#lib/}
		fam=${fam%/}
		line=$(printf '%s\n' "$order" | awk -v f="$fam" '$1 == f')
		if [ -z "$line" ]; then
			echo "$dir: a family the README's layout does not place"
			continue
		fi
		check_family "$dir" "$fam" "$(printf '%s\n' "$line" | cut -s -d' ' -f2- | sed 's/nothing//')"
	done
)
[ -z "$problems" ] && exit 0
printf '%s\n' "$problems"
exit 1

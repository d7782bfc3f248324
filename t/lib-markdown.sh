# t/lib-markdown.sh: checks of the GitHub-flavoured Markdown ktstr-compare writes.
#
#   gfm_tables FILE     checks every pipe table the way GFM reads one and
#                       prints "ROWS x COLUMNS" per table (body rows);
#                       fails on a row whose cell count differs from the
#                       header's, a bad delimiter row, an escape or control
#                       byte, or unbalanced <details>
#   CMARK_GFM           prerequisite: cmark-gfm (Debian's cmark-gfm) renders tables

gfm_tables() {
	LC_ALL=C awk '
	function cells(line,   n, i, c, esc) {
		n = 0; esc = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (esc) { esc = 0; continue }
			if (c == "\\") { esc = 1; continue }
			if (c == "|") n++
		}
		return n - 1
	}
	function flush() {
		if (intable) printf "%d x %d\n", rows, cols
		intable = 0
	}
	/[\001-\010\013-\037\177]/ { print FILENAME ":" NR ": control byte" > "/dev/stderr"; bad = 1 }
	/<details>/ { open++ }
	/<\/details>/ { open-- }
	/^\|/ {
		if (!intable) {
			intable = 1; cols = cells($0); rows = -1; getline d; NR
			if (d !~ /^\|( -+ \|)+$/ || cells(d) != cols) {
				print FILENAME ": bad delimiter row: " d > "/dev/stderr"; bad = 1
			}
			rows = 0
			next
		}
		if (cells($0) != cols) { print FILENAME ":" NR ": " cells($0) " cells, header has " cols > "/dev/stderr"; bad = 1 }
		rows++
		next
	}
	{ flush() }
	END { flush(); if (open != 0) { print FILENAME ": unbalanced <details>" > "/dev/stderr"; bad = 1 } exit bad }
	' "$1"
}

test_lazy_prereq CMARK_GFM '
	printf "| a |\n| --- |\n| b |\n" | cmark-gfm -e table | grep -q "<td>b</td>"
'

# gfm_html FILE: the HTML GitHub would build (tables and raw <details> kept).
gfm_html() {
	cmark-gfm --unsafe -e table "$1"
}

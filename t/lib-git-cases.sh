# t/lib-git-cases.sh: repository states in which the project commit's
# "-dirty" once disagreed with git (attributes, configuration files,
# deep REF_DELTA chains, symlinked directories, replace refs, .git files
# and packed-refs git refuses).  Sourced by t/unit/git_oracle.c and by
# t/t0158-rundir-commit-git.sh, which both run each case and compare
# the answer with git's own.
#
#   git_cases_base DIR   the repository every case starts from (needs c MSG,
#                        a commit with a fixed date, from the caller)
#   git_cases            one line per case: ID|SUB|ENV|WANT|NAME
#                        SUB: where to ask, under the case's directory;
#                        ENV: NAME=VALUE or NAME (unset), comma-separated,
#                        @ standing for $TOPDIR; WANT: what git says,
#                        clean, dirty or none (no commit: git refuses)
#   case_ID              run in a copy of the base: build the case and
#                        check that it is what its name says

git_cases_base() {
	git init -q "$1" && (
		cd "$1" && printf 'aaaa\n' >a && printf 'b\n' >b && mkdir -p d/e && printf 'c\n' >d/e/c &&
		printf '#!/bin/sh\n' >x && chmod +x x && ln -s a l && git add -A && c one &&
		printf 'more\n' >>b && git add b && c two
	)
}

# A date after every index write, so the file's content gets hashed.
later() { touch -d '2030-01-01 00:00:00' "$@"; }
has_cr() { od -c "$1" | grep -q '\\r'; }
# crlf FILE TEXT: the file holds TEXT (printf escapes), with a CR, hashed on the next look.
crlf() { printf "$2" >"$1" && has_cr "$1" && later "$1"; }
# Commit FILE holding TEXT (after any attributes in place).
commit_file() { printf "$2" >"$1" && git add -A && c "$1"; }
filemode_off() { printf '[core]\n\tfilemode = false\n' >"$1"; }
autocrlf_on() { printf '[core]\n\tautocrlf = true\n' >"$1"; }

git_cases() {
	cat <<'EOF'
a1|||clean|eol=crlf: a CRLF checkout of an LF blob
a1r|||clean|eol=crlf: a fresh checkout in the index's second (racy)
a2|||dirty|eol=crlf: a changed line
a3|||clean|text with core.eol=crlf
a4|||dirty|-text under core.autocrlf=true: CRs added to a binary file
a5|||dirty|binary under core.autocrlf=true: CRs added
a5u|||clean|binary under core.autocrlf=true, unchanged
a6|||clean|ident: an expanded $Id$
a6m|||dirty|ident: a change outside the $Id$
a6n|||dirty|ident: a $Id: cut by a newline is kept
a7|||clean|crlf, the legacy name of text
a8|||dirty|-crlf under core.autocrlf=true
a9|||clean|crlf=input
a9t|||clean|text=input
a10|||dirty|a subdirectory's .gitattributes over the root's
a11|||clean|the root's .gitattributes where the subdirectory's says nothing
a12|||dirty|!text in a subdirectory: back to unspecified
a13|||clean|eol=lf makes a file text
a14|||clean|$GIT_DIR/info/attributes over .gitattributes
a15|||clean|core.attributesFile
a16|||clean|core.attributesFile with ~/
a17||XDG_CONFIG_HOME=@/a17xdg|clean|$XDG_CONFIG_HOME/git/attributes
a18||XDG_CONFIG_HOME=/nonexistent|dirty|no $XDG_CONFIG_HOME/git/attributes
a19|||clean|text=auto keeps the CRLF the index holds
a20|||dirty|text converts the CRLF the index holds: the file reads modified
a21|||dirty|text=auto: a NUL makes a file binary
a22|||clean|a filter whose program is missing: the content as it is
a23|||dirty|a filter whose program is missing, file changed
a24|||dirty|a required filter that cannot run
a25|||clean|a filter driver with no clean command
a26|||clean|a macro defined at the top
a27|||dirty|a macro defined in a subdirectory is ignored
a28|||dirty|a symlinked .gitattributes is not followed
a29|||clean|.gitattributes only in the index (skip-worktree)
a30|||clean|anchored and ** patterns
a31|||dirty|a pattern with a slash matches from its own directory only
a32|||clean|a quoted pattern
a33|||dirty|a pattern ending in / matches no file
c1||HOME=@/c1home|clean|core.autocrlf=true in ~/.gitconfig
c2||XDG_CONFIG_HOME=@/c2xdg|clean|$XDG_CONFIG_HOME/git/config
c3||GIT_CONFIG_GLOBAL=@/c3global|clean|GIT_CONFIG_GLOBAL
c4||GIT_CONFIG_GLOBAL=@/c4global|dirty|the repository's file over the user's
c5|||clean|include.path, relative to the including file
c6|||clean|include.path with ~/
c7|||clean|includeIf gitdir: that matches
c8|||dirty|includeIf gitdir: that does not match
c9|||clean|includeIf gitdir/i:
c10|||dirty|includeIf gitdir: is case-sensitive
c11|||clean|includeIf gitdir: with ./, from the including file's directory
c12|||dirty|includeIf gitdir: with ./, not matching
c13|||clean|includeIf gitdir: through a symlinked .git
c14|||clean|includeIf onbranch:
c15|||dirty|includeIf onbranch: another branch
c16|||dirty|includeIf onbranch: a detached HEAD
c17|||dirty|includeIf with an unknown condition
c18|||none|an include cycle: git refuses the repository
c19|||clean|includes ten deep
c20|||none|includes eleven deep: git refuses the repository
c21|||dirty|a missing include is nothing
c22||GIT_CONFIG_SYSTEM=@/c22system,GIT_CONFIG_NOSYSTEM|clean|the system file (GIT_CONFIG_SYSTEM)
c23||GIT_CONFIG_SYSTEM=@/c23system,GIT_CONFIG_NOSYSTEM=1|dirty|GIT_CONFIG_NOSYSTEM
c24|||clean|config.worktree with extensions.worktreeConfig
c25||HOME=@/c25home|none|a bad line in ~/.gitconfig: git refuses the repository
c26|||none|a bad boolean: git refuses the repository
r1|||clean|REF_DELTA chains deeper than 16
l1|||dirty|a symlinked leading directory
l2|||dirty|a symlinked directory deeper down
l3|||dirty|a leading directory replaced by a file
p1|||dirty|refs/replace/: HEAD replaced by its parent
p2|||dirty|refs/replace/, packed
p3||GIT_NO_REPLACE_OBJECTS=1|clean|GIT_NO_REPLACE_OBJECTS
p4|||clean|core.useReplaceRefs=false
p5|||clean|a replace ref both packed and loose: the loose one
p6||GIT_NO_REPLACE_OBJECTS=|clean|GIT_NO_REPLACE_OBJECTS set empty
g1|/wt||none|a .git file whose path ends in blanks (inside another repository)
g2|/wt||none|a .git file without a space after gitdir:
g3|/wt||dirty|a .git file with CRLF
g4|/wt||none|a .git file naming no repository
g5|||none|packed-refs whose last line has no newline
EOF
}

# gitattributes(5)
eol_crlf_txt() { printf '*.txt eol=crlf\n' >.gitattributes && commit_file t.txt 'one\ntwo\n'; }
case_a1() { eol_crlf_txt && rm t.txt && git checkout t.txt && has_cr t.txt && later t.txt; }
case_a1r() { eol_crlf_txt && rm t.txt && git checkout t.txt && has_cr t.txt && touch -r .git/index t.txt; }
case_a2() { eol_crlf_txt && crlf t.txt 'one\r\nTWO\r\n'; }
case_a3() {
	printf '*.txt text\n' >.gitattributes && git config core.eol crlf && commit_file u.txt 'x\ny\n' &&
	rm u.txt && git checkout u.txt && has_cr u.txt && later u.txt
}
bin_autocrlf() { printf "*.bin $1\n" >.gitattributes && commit_file f.bin "$2" && git config core.autocrlf true; }
case_a4() { bin_autocrlf -text 'p\nq\n' && crlf f.bin 'p\r\nq\r\n'; }
case_a5() { bin_autocrlf binary 'p\nq\n' && crlf f.bin 'p\r\nq\r\n'; }
case_a5u() { bin_autocrlf binary 'p\r\nq\r\n' && later f.bin; }
case_a6() {
	printf '*.c ident\n' >.gitattributes && commit_file i.c 'x $Id$ y\n$Id: old $\n' &&
	rm i.c && git checkout i.c && grep -q 'Id: [0-9a-f]' i.c && later i.c
}
case_a6m() { printf '*.c ident\n' >.gitattributes && commit_file i.c 'x $Id$ y\n' && printf 'x $Id: abc $ z\n' >i.c && later i.c; }
case_a6n() { printf '*.c ident\n' >.gitattributes && commit_file i.c 'x $Id$ y\n' && printf 'x $Id: a\n$ y\n' >i.c && later i.c; }
txt_attr() { printf "$1\n" >.gitattributes && commit_file t.txt 't\n' && crlf t.txt 't\r\n'; }
case_a7() { txt_attr '*.txt crlf'; }
case_a8() { bin_autocrlf -crlf 'p\n' && crlf f.bin 'p\r\n'; }
case_a9() { txt_attr '*.txt crlf=input'; }
case_a9t() { txt_attr '*.txt text=input'; }
sub_attr() {
	printf '*.txt text\n' >.gitattributes && printf "$1\n" >d/.gitattributes &&
	commit_file d/w.txt 'w\n' && crlf d/w.txt 'w\r\n'
}
case_a10() { sub_attr '*.txt -text'; }
case_a11() { sub_attr '*.c -text'; }
case_a12() { sub_attr '*.txt !text'; }
case_a13() { txt_attr '*.txt eol=lf'; }
case_a14() {
	printf '*.txt -text\n' >.gitattributes && commit_file t.txt 't\n' && mkdir -p .git/info &&
	printf '*.txt text\n' >.git/info/attributes && crlf t.txt 't\r\n'
}
case_a15() {
	commit_file t.txt 't\n' && printf '*.txt text\n' >.git/attrs &&
	git config core.attributesFile "$PWD/.git/attrs" && crlf t.txt 't\r\n'
}
case_a16() {
	commit_file t.txt 't\n' && printf '*.txt text\n' >"$HOME/a16-attrs" &&
	git config core.attributesFile '~/a16-attrs' && crlf t.txt 't\r\n'
}
case_a17() {
	commit_file t.txt 't\n' && mkdir -p "$TOPDIR/a17xdg/git" &&
	printf '*.txt text\n' >"$TOPDIR/a17xdg/git/attributes" && crlf t.txt 't\r\n'
}
case_a18() { commit_file t.txt 't\n' && crlf t.txt 't\r\n'; }
index_crlf() { commit_file r.txt 'r\r\ns\r\n' && printf "$1\n" >.gitattributes && git add .gitattributes && c attrs && later r.txt; }
case_a19() { index_crlf '* text=auto'; }
case_a20() { index_crlf '* text'; }
case_a21() { printf '* text=auto\n' >.gitattributes && commit_file z.dat 'a\nb\n' && printf 'a\r\n\000b\r\n' >z.dat && later z.dat; }
missing_filter() {
	printf '*.dat filter=nope\n' >.gitattributes && git config filter.nope.clean no-such-program-ktstr &&
	printf 'd\n' >f.dat && git add -A 2>/dev/null && c f
}
case_a22() { missing_filter && later f.dat; }
case_a23() { missing_filter && printf 'e\n' >f.dat && later f.dat; }
case_a24() {
	commit_file r.dat 'd\n' && printf '*.dat filter=req\n' >.gitattributes && git add .gitattributes &&
	c attrs && git config filter.req.clean no-such-program-ktstr && git config filter.req.required true &&
	later r.dat
}
case_a25() { printf '*.dat filter=so\n' >.gitattributes && git config filter.so.smudge cat && commit_file f.dat 'd\r\n' && later f.dat; }
case_a26() { txt_attr '[attr]crlftext text eol=crlf\n*.txt crlftext'; }
case_a27() { printf '[attr]mm text\n*.txt mm\n' >d/.gitattributes && commit_file d/w.txt 'w\n' && crlf d/w.txt 'w\r\n'; }
case_a28() { commit_file t.txt 't\n' && printf '*.txt text\n' >.git/real && ln -s .git/real .gitattributes && crlf t.txt 't\r\n'; }
case_a29() {
	printf '*.txt text\n' >.gitattributes && commit_file t.txt 't\n' &&
	git update-index --skip-worktree .gitattributes && rm .gitattributes && crlf t.txt 't\r\n'
}
case_a30() {
	printf '/d/**/*.txt text\ne/x.txt text\n' >.gitattributes && printf 'w\n' >d/e/w.txt && mkdir e &&
	commit_file e/x.txt 'x\n' && crlf d/e/w.txt 'w\r\n' && crlf e/x.txt 'x\r\n'
}
case_a31() { printf 'e/x.txt text\n' >.gitattributes && commit_file d/e/x.txt 'x\n' && crlf d/e/x.txt 'x\r\n'; }
case_a32() { printf '"sp ace.txt" text\n' >.gitattributes && commit_file 'sp ace.txt' 's\n' && crlf 'sp ace.txt' 's\r\n'; }
case_a33() { printf 'd/ text\nd text\n' >.gitattributes && commit_file d/w.txt 'w\n' && crlf d/w.txt 'w\r\n'; }

# git-config(1).  The repository's own file sets core.filemode, so the
# files it overrides try core.autocrlf instead.
case_c1() { mkdir -p "$TOPDIR/c1home" && autocrlf_on "$TOPDIR/c1home/.gitconfig" && crlf a 'aaaa\r\n'; }
case_c2() { mkdir -p "$TOPDIR/c2xdg/git" && autocrlf_on "$TOPDIR/c2xdg/git/config" && crlf a 'aaaa\r\n'; }
case_c3() { autocrlf_on "$TOPDIR/c3global" && crlf a 'aaaa\r\n'; }
case_c4() { filemode_off "$TOPDIR/c4global" && chmod +x a; }
include_extra() { filemode_off .git/extra && git config "$1" "${2:-extra}" && chmod +x a; }
case_c5() { include_extra include.path; }
case_c6() { filemode_off "$HOME/c6-extra" && git config include.path '~/c6-extra' && chmod +x a; }
case_c7() { include_extra "includeIf.gitdir:${PWD##*/}/.path"; }
case_c8() { include_extra includeIf.gitdir:elsewhere/.path; }
case_c9() { include_extra includeIf.gitdir/i:C9/.path; }
case_c10() { include_extra includeIf.gitdir:C10/.path; }
case_c11() {
	filemode_off .git/extra && printf '[includeIf "gitdir:./c11/"]\n\tpath = c11/.git/extra\n' >../c11inc &&
	git config include.path ../../c11inc && chmod +x a
}
case_c12() { include_extra includeIf.gitdir:./.path; }
case_c13() { mv .git ../c13.git && ln -s ../c13.git .git && include_extra 'includeIf.gitdir:**/c13.git.path'; }
case_c14() { include_extra "includeIf.onbranch:$(git branch --show-current).path"; }
case_c15() { include_extra includeIf.onbranch:other.path; }
case_c16() { git checkout -q --detach && include_extra 'includeIf.onbranch:*.path'; }
case_c17() { include_extra includeIf.nosuch:x.path; }
case_c18() { git config include.path config; }
# nested_includes N: .git/i1 includes i2 ... up to iN, which turns core.filemode off.
nested_includes() {
	i=1
	while [ $i -lt "$1" ]; do printf '[include]\n\tpath = i%d\n' $((i + 1)) >.git/i$i; i=$((i + 1)); done
	filemode_off .git/i"$1" && git config include.path i1 && chmod +x a
}
case_c19() { nested_includes 10; }
case_c20() { nested_includes 11; }
case_c21() { git config include.path no-such-file && chmod +x a; }
case_c22() { autocrlf_on "$TOPDIR/c22system" && crlf a 'aaaa\r\n'; }
case_c23() { autocrlf_on "$TOPDIR/c23system" && crlf a 'aaaa\r\n'; }
case_c24() { git config extensions.worktreeConfig true && git config --worktree core.filemode false && chmod +x a; }
case_c25() { mkdir -p "$TOPDIR/c25home" && printf '[core\n' >"$TOPDIR/c25home/.gitconfig"; }
case_c26() { git config core.filemode maybe; }

# The object database, paths, refs and the .git file.
# Each version changes one more line: git deltas each against the last, a deep chain.
case_r1() {
	awk 'BEGIN { for (i = 0; i < 300; i++) print "line " i " of some text" }' >big &&
	for i in $(seq 1 60); do
		awk -v k=$i '{ print NR == k * 3 ? "changed " k : $0 }' big >big.new && mv big.new big &&
		mkdir -p t$i && printf $i >t$i/f && git add -A && c big$i || return 1
	done &&
	git -c repack.useDeltaBaseOffset=false repack -adfq --depth=50 --window=50 && git prune-packed &&
	test "$(git verify-pack -v .git/objects/pack/*.idx |
		awk '/^chain length = / { n = $4 + 0 } END { print n }')" -gt 16 &&
	later big
}
case_l1() { mv d d.real && ln -s d.real d; }
case_l2() { mv d/e d/e.real && ln -s e.real d/e; }
case_l3() { rm -r d && printf f >d; }
case_p1() { git replace HEAD HEAD~1; }
case_p2() { git replace HEAD HEAD~1 && git pack-refs --all && ! ls .git/refs/replace/* 2>/dev/null; }
case_p3() { git replace HEAD HEAD~1; }
case_p4() { git replace HEAD HEAD~1 && git config core.useReplaceRefs false; }
# Packed: HEAD~1, whose tree is not the index's.  Loose: a commit with HEAD's own tree.
case_p5() {
	same=$(GIT_AUTHOR_DATE=@1577836800 GIT_COMMITTER_DATE=@1577836800 git commit-tree -p HEAD~1 -m same 'HEAD^{tree}') &&
	git replace HEAD HEAD~1 && git pack-refs --all && git replace -f HEAD "$same" && test -f ".git/refs/replace/$(git rev-parse HEAD)" &&
	grep -q " refs/replace/$(git rev-parse HEAD)\$" .git/packed-refs
}
case_p6() { git replace HEAD HEAD~1; }
gitfile() { mkdir -p wt && printf "$1" "$PWD" >wt/.git; }
case_g1() { gitfile 'gitdir: %s/.git  \n'; }
case_g2() { gitfile 'gitdir:%s/.git\n'; }
case_g3() { gitfile 'gitdir: %s/.git\r\n'; }
case_g4() { gitfile 'gitdir: %s/nowhere\n'; }
case_g5() {
	git pack-refs --all && ! ls .git/refs/heads/* 2>/dev/null &&
	printf '%s' "$(cat .git/packed-refs)" >.git/packed-refs &&
	test "$(tail -c 1 .git/packed-refs | od -An -c | tr -d ' ')" != '\n'
}

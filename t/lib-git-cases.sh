# t/lib-git-cases.sh: repository states in which the project commit's
# "-dirty" once disagreed with git (configuration files, deep REF_DELTA
# chains, replace refs, .git files and packed-refs git refuses).  Sourced by t/unit/git_oracle.c and by
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
p1|||dirty|refs/replace/: HEAD replaced by its parent
p2|||dirty|refs/replace/, packed
p3||GIT_NO_REPLACE_OBJECTS=1|clean|GIT_NO_REPLACE_OBJECTS
p4|||clean|core.useReplaceRefs=false
g1|/wt||none|a .git file whose path ends in blanks (inside another repository)
g2|/wt||none|a .git file without a space after gitdir:
g3|/wt||dirty|a .git file with CRLF
g4|/wt||none|a .git file naming no repository
g5|||none|packed-refs whose last line has no newline
EOF
}

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

# The object database, refs and the .git file.
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
case_p1() { git replace HEAD HEAD~1; }
case_p2() { git replace HEAD HEAD~1 && git pack-refs --all && ! ls .git/refs/replace/* 2>/dev/null; }
case_p3() { git replace HEAD HEAD~1; }
case_p4() { git replace HEAD HEAD~1 && git config core.useReplaceRefs false; }
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

/*
 * t/helper/rusage.c: rusage CMD [ARG...] runs CMD and prints one line,
 * "WALL CPU MAXRSS STATUS": its wall time and the CPU time (user +
 * system) of it and of every descendant it waited for, in seconds to the
 * microsecond, the largest resident set among them in KiB, and its exit
 * status.  The shell's times and time(1) count in hundredths, too coarse
 * for runs of a few tens of milliseconds; and time(1) is not everywhere.
 * The benchmarks time with it, the tests bound peak memory with it.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fputs("usage: rusage CMD [ARG...]\n", stderr);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) < 0) {
		perror("rusage: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("rusage: exec");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("rusage: wait");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("%.6f %.6f %ld %d\n", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	               (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
	       ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

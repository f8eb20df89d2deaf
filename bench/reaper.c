/*
 * reaper - run a command as a child subreaper, so that nothing it starts
 * outlives it.
 *
 *   reaper COMMAND [ARG...]
 *
 * saslauthd without -d detaches: it forks, and the daemon's parent exits.
 * The orphan is handed to the nearest subreaper, or to init, which on some
 * machines (containers, minimal VMs) never reaps. Under this reaper the
 * daemons stay in our family: when COMMAND ends, any descendant still
 * running is sent SIGTERM (SIGKILL after 5 s) and every one is reaped.
 * Exits with COMMAND's status.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/prctl.h>
#include <sys/wait.h>

/* parent_of - the parent of PID from /proc, or -1 */
static long
parent_of(long pid)
{
	char path[64], buf[512], *p;
	long ppid = -1;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) != NULL)
		sscanf(p + 2, "%*c %ld", &ppid);
	return ppid;
}

/* signal_children - send sig to each of our children; how many */
static int
signal_children(int sig)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long me = (long)getpid(), pid;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		pid = strtol(e->d_name, NULL, 10);
		if (parent_of(pid) == me && kill((pid_t)pid, sig) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int
main(int argc, char **argv)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	pid_t child, pid;
	int status, rc = 1, i;

	if (argc < 2) {
		fprintf(stderr, "usage: reaper COMMAND [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		perror("reaper: prctl");
		return 2;
	}
	/* the command's signals are its own business: ^C reaches it too */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	child = fork();
	if (child < 0) {
		perror("reaper: fork");
		return 2;
	}
	if (child == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	/* reap orphans as they come, until the command itself ends */
	while ((pid = waitpid(-1, &status, 0)) != child)
		if (pid < 0 && errno != EINTR)
			break;
	if (pid == child)
		rc = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
	/* what the command left behind: ask, then insist */
	for (i = 0; i < 100; i++) {
		while (waitpid(-1, &status, WNOHANG) > 0)
			continue;
		if (signal_children(i < 50 ? SIGTERM : SIGKILL) == 0)
			break;
		if (i == 0)
			fprintf(stderr, "reaper: stopping what %s left "
			    "running\n", argv[1]);
		nanosleep(&pause, NULL);
	}
	while (waitpid(-1, &status, WNOHANG) > 0)
		continue;
	return rc;
}

/*
 * load - a load client for saslauthd's unix socket.
 *
 * Speaks saslauthd's protocol directly, as testsaslauthd and libsasl do:
 * one request per connection, four counted strings (2-byte big-endian
 * length, then the bytes: login, password, service, realm), and a counted
 * answer that starts with "OK" or "NO". CONC threads send requests for
 * random users PREFIX<i> (i in FIRST..FIRST+USERS-1) with the password
 * pw<i>, or a wrong one for WRONG% of them, and check every answer.
 * -e: every answer must be NO (a mechanism that knows none of them);
 * -E: send an empty password, which saslauthd refuses itself.
 *
 * Runs for a time (-t) or a number of logins (-N) and prints one line of
 * key=value: logins/s, latency percentiles, its own CPU time per login,
 * and, given their pids, the CPU time saslauthd (master and workers) and
 * mariadbd spent per login, read from /proc, and the workers' resident
 * memory. Exits 1 when an answer was wrong or a request failed, 2 on bad
 * usage.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#define REQ_FIELD_MAX	256	/* saslauthd's MAX_REQ_LEN */
#define REPORT_WRONG	5	/* wrong answers shown on stderr */
#define MAX_CHILDREN	1024
#define MAX_ERRORS	100	/* per thread: saslauthd is gone, stop */

struct options {
	const char *socket;
	const char *prefix;
	const char *realm;
	const char *service;
	unsigned long first;
	unsigned long users;
	unsigned int conc;
	unsigned int wrong_pct;
	double seconds;
	unsigned long count;
	bool expect_no;		/* every answer must be NO */
	bool empty_password;	/* send "": NO before any mechanism */
	bool fork_mode;		/* saslauthd -n 0: the master is no worker */
	long master;		/* saslauthd's master, 0: not measured */
	long db;		/* mariadbd, 0: not measured */
	unsigned long seed;
};

struct worker {
	pthread_t thread;
	uint64_t rng;
	uint64_t *lat_ns;	/* one per login */
	size_t nlat, cap;
	unsigned long wrong, errors;
};

static struct options opt = {
	.realm = "example.org",
	.service = "authsqlbench",
	.first = 1,
	.conc = 1,
	.wrong_pct = 10,
};
static atomic_ulong issued;		/* -N: logins handed out */
static atomic_bool stop_sampler;
static atomic_uint wrong_shown;
static struct timespec deadline;
static long max_child_rss_kib;		/* -F: largest child seen */

/* now_ns - CLOCK_MONOTONIC in nanoseconds */
static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* next_random - xorshift64*, one state per thread */
static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* put_field - append one counted string to buf; the new end */
static char *
put_field(char *p, const char *s)
{
	size_t len = strlen(s);

	*p++ = (char)(len >> 8);
	*p++ = (char)(len & 0xff);
	memcpy(p, s, len);
	return p + len;
}

/* write_all - write len bytes, or -1 */
static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* read_all - read exactly len bytes, or -1 */
static int
read_all(int fd, char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * ask - one request on a connection of its own; the answer's text in
 * answer (NUL-terminated), or -1 when the exchange failed
 */
static int
ask(const char *login, const char *password, char *answer, size_t anslen)
{
	struct sockaddr_un sun;
	char req[4 * (REQ_FIELD_MAX + 2)], *p = req, hdr[2];
	size_t len;
	int fd, rc = -1;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", opt.socket);
	p = put_field(p, login);
	p = put_field(p, password);
	p = put_field(p, opt.service);
	p = put_field(p, opt.realm);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    write_all(fd, req, (size_t)(p - req)) != 0 ||
	    read_all(fd, hdr, 2) != 0)
		goto out;
	len = ((size_t)(unsigned char)hdr[0] << 8) | (unsigned char)hdr[1];
	if (len >= anslen || read_all(fd, answer, len) != 0)
		goto out;
	answer[len] = '\0';
	rc = 0;
out:
	/* saslauthd reads until we close before it takes the next request */
	close(fd);
	return rc;
}

/* more_to_do - whether this thread sends another request */
static bool
more_to_do(void)
{
	struct timespec ts;

	if (opt.count > 0)
		return atomic_fetch_add(&issued, 1) < opt.count;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec < deadline.tv_sec || (ts.tv_sec == deadline.tv_sec &&
	    ts.tv_nsec < deadline.tv_nsec);
}

/* record - keep one latency */
static int
record(struct worker *w, uint64_t ns)
{
	if (w->nlat == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 4096;
		uint64_t *p = realloc(w->lat_ns, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		w->lat_ns = p;
		w->cap = cap;
	}
	w->lat_ns[w->nlat++] = ns;
	return 0;
}

/* run_worker - one client thread */
static void *
run_worker(void *arg)
{
	struct worker *w = arg;
	char login[REQ_FIELD_MAX + 1], password[REQ_FIELD_MAX + 1];
	char answer[1024];
	unsigned long user;
	bool right, ok;
	uint64_t t0;

	while (more_to_do()) {
		user = opt.first + next_random(&w->rng) % opt.users;
		right = next_random(&w->rng) % 100 >= opt.wrong_pct;
		snprintf(login, sizeof(login), "%s%lu", opt.prefix, user);
		if (opt.empty_password)
			password[0] = '\0';
		else
			snprintf(password, sizeof(password), right ? "pw%lu" :
			    "pw%lu-wrong", user);
		t0 = now_ns();
		if (ask(login, password, answer, sizeof(answer)) != 0) {
			if (++w->errors >= MAX_ERRORS)
				break;
			continue;
		}
		if (record(w, now_ns() - t0) != 0) {
			w->errors++;
			break;
		}
		ok = opt.expect_no || !right ? strncmp(answer, "NO", 2) == 0 :
		    strncmp(answer, "OK", 2) == 0;
		if (!ok) {
			w->wrong++;
			if (atomic_fetch_add(&wrong_shown, 1) < REPORT_WRONG)
				fprintf(stderr, "load: %s@%s with the %s "
				    "password: got \"%s\"\n", login, opt.realm,
				    right ? "right" : "wrong", answer);
		}
	}
	return NULL;
}

/* read_file - a small /proc file into buf; its length, or -1 */
static ssize_t
read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (ssize_t)n;
}

/*
 * proc_stat - from /proc/PID/stat: the parent, and the process's
 * utime + stime + cutime + cstime in clock ticks; -1 if it is gone
 */
static int
proc_stat(long pid, long *ppid_r, unsigned long long *ticks_r)
{
	char path[64], buf[1024], *p;
	unsigned long long f[17];
	int i;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (read_file(path, buf, sizeof(buf)) < 0 ||
	    (p = strrchr(buf, ')')) == NULL)
		return -1;
	/* fields 3 (state) to 17 (cstime) follow the command's ')' */
	p += 2;
	p = strchr(p, ' ');
	for (i = 4; i <= 17 && p != NULL; i++) {
		char *end;

		f[i - 1] = strtoull(p, &end, 10);
		p = end;
	}
	if (i <= 17)
		return -1;
	*ppid_r = (long)f[3];
	*ticks_r = f[13] + f[14] + f[15] + f[16];
	return 0;
}

/* proc_rss_kib - VmRSS of PID in KiB, or -1 */
static long
proc_rss_kib(long pid)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (read_file(path, buf, sizeof(buf)) < 0 ||
	    (p = strstr(buf, "\nVmRSS:")) == NULL)
		return -1;
	return strtol(p + 7, NULL, 10);
}

/* children - the pids whose parent is PID; how many */
static size_t
children(long pid, long *kids, size_t max)
{
	char path[64], buf[16384], *p, *end;
	unsigned long long ticks;
	struct dirent *e;
	size_t n = 0;
	long child, ppid;
	DIR *d;

	/* saslauthd forks from its one thread: the kernel's list of that
	 * thread's children is all of them, and cheap to read */
	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", pid, pid);
	if (read_file(path, buf, sizeof(buf)) >= 0) {
		for (p = buf; n < max; p = end) {
			child = strtol(p, &end, 10);
			if (end == p)
				break;
			kids[n++] = child;
		}
		return n;
	}
	/* without CONFIG_PROC_CHILDREN: every process's parent */
	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		child = strtol(e->d_name, NULL, 10);
		if (proc_stat(child, &ppid, &ticks) == 0 && ppid == pid)
			kids[n++] = child;
	}
	closedir(d);
	return n;
}

/* family_ticks - CPU ticks of PID and its live children */
static unsigned long long
family_ticks(long pid)
{
	long kids[MAX_CHILDREN], ppid;
	unsigned long long sum = 0, t;
	size_t i, n;

	if (proc_stat(pid, &ppid, &t) == 0)
		sum += t;
	n = children(pid, kids, MAX_CHILDREN);
	for (i = 0; i < n; i++)
		if (proc_stat(kids[i], &ppid, &t) == 0)
			sum += t;
	return sum;
}

/*
 * worker_rss_kib - mean VmRSS of the workers: the master and its
 * children (-n N; the master serves too), or with -F the largest child
 * the sampler saw (-n 0: a child lives for one request)
 */
static long
worker_rss_kib(void)
{
	long kids[MAX_CHILDREN], sum = 0, rss;
	size_t i, n, count = 0;

	if (opt.fork_mode)
		return max_child_rss_kib;
	if ((rss = proc_rss_kib(opt.master)) > 0) {
		sum += rss;
		count++;
	}
	n = children(opt.master, kids, MAX_CHILDREN);
	for (i = 0; i < n; i++)
		if ((rss = proc_rss_kib(kids[i])) > 0) {
			sum += rss;
			count++;
		}
	return count > 0 ? sum / (long)count : -1;
}

/* run_sampler - with -F, look at the short-lived children now and then */
static void *
run_sampler(void *arg)
{
	long kids[MAX_CHILDREN], rss;
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	size_t i, n;

	(void)arg;
	while (!atomic_load(&stop_sampler)) {
		n = children(opt.master, kids, MAX_CHILDREN);
		for (i = 0; i < n; i++)
			if ((rss = proc_rss_kib(kids[i])) > max_child_rss_kib)
				max_child_rss_kib = rss;
		nanosleep(&pause, NULL);
	}
	return NULL;
}

/* cmp_u64 - qsort order */
static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* percentile_ms - the p-th percentile (nearest rank) of sorted ns */
static double
percentile_ms(const uint64_t *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = (size_t)(p / 100 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)v[rank - 1] / 1e6;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: load -s SOCKET -u PREFIX -n USERS [-f FIRST] [-c CONC]\n"
	    "            (-t SECONDS | -N LOGINS) [-w WRONG%%] [-r REALM]\n"
	    "            [-S SERVICE] [-e | -E] [-m MASTER-PID [-F]] [-d DB-PID]\n"
	    "            [-x SEED]\n");
	exit(2);
}

/* parse_options - argv into opt */
static void
parse_options(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "s:u:n:f:c:t:N:w:r:S:eEm:Fd:x:")) != -1) {
		switch (c) {
		case 's': opt.socket = optarg; break;
		case 'u': opt.prefix = optarg; break;
		case 'n': opt.users = strtoul(optarg, NULL, 10); break;
		case 'f': opt.first = strtoul(optarg, NULL, 10); break;
		case 'c': opt.conc = (unsigned)strtoul(optarg, NULL, 10); break;
		case 't': opt.seconds = strtod(optarg, NULL); break;
		case 'N': opt.count = strtoul(optarg, NULL, 10); break;
		case 'w': opt.wrong_pct = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'r': opt.realm = optarg; break;
		case 'S': opt.service = optarg; break;
		case 'e': opt.expect_no = true; break;
		case 'E': opt.empty_password = opt.expect_no = true; break;
		case 'm': opt.master = strtol(optarg, NULL, 10); break;
		case 'F': opt.fork_mode = true; break;
		case 'd': opt.db = strtol(optarg, NULL, 10); break;
		case 'x': opt.seed = strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (optind != argc || opt.socket == NULL || opt.prefix == NULL ||
	    opt.users == 0 || opt.conc == 0 || opt.wrong_pct > 100 ||
	    (opt.seconds <= 0) == (opt.count == 0) ||
	    strlen(opt.socket) >= sizeof(((struct sockaddr_un *)0)->sun_path) ||
	    strlen(opt.prefix) > 200 || strlen(opt.realm) > 200 ||
	    strlen(opt.service) > 200)
		usage();
	if (opt.seed == 0)
		opt.seed = (unsigned long)time(NULL) ^ (unsigned long)getpid();
}

int
main(int argc, char **argv)
{
	struct worker *w;
	pthread_t sampler;
	struct rusage ru;
	unsigned long long sasl0 = 0, sasl1 = 0, db0 = 0, db1 = 0;
	unsigned long wrong = 0, errors = 0;
	uint64_t *all, t0, elapsed;
	size_t i, n = 0, k;
	double secs, tick_us = 1e6 / (double)sysconf(_SC_CLK_TCK), client_us;
	long ppid, rss;
	bool sampling = false;

	parse_options(argc, argv);
	w = calloc(opt.conc, sizeof(*w));
	if (w == NULL) {
		perror("load");
		return 2;
	}
	if (opt.master > 0)
		sasl0 = family_ticks(opt.master);
	if (opt.db > 0 && proc_stat(opt.db, &ppid, &db0) != 0)
		opt.db = 0;
	if (opt.master > 0 && opt.fork_mode) {
		sampling = pthread_create(&sampler, NULL, run_sampler,
		    NULL) == 0;
	}
	t0 = now_ns();
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)opt.seconds;
	deadline.tv_nsec += (long)((opt.seconds - (double)(time_t)opt.seconds)
	    * 1e9);
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	for (i = 0; i < opt.conc; i++) {
		w[i].rng = (opt.seed + 1) * 0x9E3779B97F4A7C15ULL ^
		    (i + 1) * 0xD1B54A32D192ED03ULL;
		if (w[i].rng == 0)
			w[i].rng = 1;
		if (pthread_create(&w[i].thread, NULL, run_worker,
		    &w[i]) != 0) {
			perror("load: pthread_create");
			return 2;
		}
	}
	for (i = 0; i < opt.conc; i++)
		pthread_join(w[i].thread, NULL);
	elapsed = now_ns() - t0;
	if (opt.master > 0)
		sasl1 = family_ticks(opt.master);
	if (opt.db > 0 && proc_stat(opt.db, &ppid, &db1) != 0)
		opt.db = 0;
	if (sampling) {
		atomic_store(&stop_sampler, true);
		pthread_join(sampler, NULL);
	}
	rss = opt.master > 0 ? worker_rss_kib() : -1;
	getrusage(RUSAGE_SELF, &ru);

	for (i = 0; i < opt.conc; i++) {
		n += w[i].nlat;
		wrong += w[i].wrong;
		errors += w[i].errors;
	}
	all = malloc((n ? n : 1) * sizeof(*all));
	if (all == NULL) {
		perror("load");
		return 2;
	}
	for (i = 0, k = 0; i < opt.conc; i++) {
		memcpy(all + k, w[i].lat_ns, w[i].nlat * sizeof(*all));
		k += w[i].nlat;
		free(w[i].lat_ns);
	}
	qsort(all, n, sizeof(*all), cmp_u64);
	secs = (double)elapsed / 1e9;
	client_us = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	printf("logins=%zu wrong=%lu errors=%lu seconds=%.3f rate=%.1f "
	    "p50_ms=%.3f p99_ms=%.3f max_ms=%.3f client_cpu_us=%.1f",
	    n, wrong, errors, secs, (double)n / secs,
	    percentile_ms(all, n, 50), percentile_ms(all, n, 99),
	    n ? (double)all[n - 1] / 1e6 : 0, n ? client_us / (double)n : 0);
	if (opt.master > 0)
		printf(" sasl_cpu_us=%.1f rss_kib=%ld", n ? (double)(sasl1 -
		    sasl0) * tick_us / (double)n : 0, rss);
	if (opt.db > 0)
		printf(" db_cpu_us=%.1f", n ? (double)(db1 - db0) * tick_us /
		    (double)n : 0);
	printf("\n");
	free(all);
	free(w);
	if (errors > 0)
		fprintf(stderr, "load: %lu request(s) failed\n", errors);
	if (wrong > 0)
		fprintf(stderr, "load: %lu wrong answer(s)\n", wrong);
	return wrong > 0 || errors > 0 || n == 0 ? 1 : 0;
}

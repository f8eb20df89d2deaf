/*
 * floor - the parts one login cannot do without, timed alone.
 *
 *   floor crypt -h HASH -p PASSWORD [-t SECONDS] [-j THREADS]
 *	crypt_rn() of PASSWORD with the stored HASH as setting, in a loop,
 *	with one zeroed struct crypt_data as a warm worker has it; checks
 *	that the result is HASH. -j runs THREADS such loops at once, to see
 *	what one crypt() costs while every CPU is busy, as under load.
 *   floor select -S SOCKET -U DBUSER -P DBPASS -D DATABASE -q QUERY
 *	-u PREFIX -n USERS [-r REALM] [-t SECONDS] [-d DB-PID]
 *	one prepared SELECT with one string parameter (the login
 *	PREFIX<i>@REALM, i random in 1..USERS) per iteration, on one warm
 *	connection over the unix socket: execute, fetch, free; every
 *	execution must return exactly one row.
 *
 * Prints one line of key=value: the mean wall time per operation, our own
 * CPU time per operation, and for select the CPU time mariadbd (DB-PID)
 * spent per operation, read from /proc. Exits 1 when a result is wrong,
 * 2 on bad usage.
 */
#include <crypt.h>
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

#include <mysql.h>

#define WARM_UP		100	/* untimed operations first */
#define MIN_OPS		5

/* now_s - CLOCK_MONOTONIC in seconds */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* cpu_s - our own user + system time in seconds */
static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* proc_cpu_s - utime + stime of PID from /proc/PID/stat, or -1 */
static double
proc_cpu_s(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long utime, stime;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* utime and stime are fields 14 and 15; 3 is the one after ')' */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu", &utime, &stime) != 2)
		return -1;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: floor crypt -h HASH -p PASSWORD [-t SECONDS] [-j THREADS]\n"
	    "       floor select -S SOCKET -U DBUSER -P DBPASS -D DATABASE "
	    "-q QUERY\n"
	    "                    -u PREFIX -n USERS [-r REALM] [-t SECONDS] "
	    "[-d DB-PID]\n");
	exit(2);
}

struct crypt_job {
	pthread_t thread;
	const char *hash, *password;
	double seconds;
	unsigned long n;
	int failed;
};

/* run_crypt - one thread's loop of crypt_rn() calls */
static void *
run_crypt(void *arg)
{
	struct crypt_job *job = arg;
	struct crypt_data *data;
	double t0;

	/* about 32 KiB: on the heap, zeroed once, as a worker keeps it */
	data = calloc(1, sizeof(*data));
	if (data == NULL) {
		job->failed = 1;
		return NULL;
	}
	t0 = now_s();
	for (job->n = 0; job->n < MIN_OPS || now_s() - t0 < job->seconds;
	    job->n++)
		if (crypt_rn(job->password, job->hash, data,
		    sizeof(*data)) == NULL) {
			job->failed = 1;
			break;
		}
	free(data);
	return NULL;
}

/* floor_crypt - time crypt_rn() alone */
static int
floor_crypt(int argc, char **argv)
{
	const char *hash = NULL, *password = NULL, *out;
	struct crypt_job *jobs;
	struct crypt_data *data;
	double seconds = 1, t0, c0, wall, cpu;
	unsigned long n = 0, threads = 1, i;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "h:p:t:j:")) != -1) {
		switch (c) {
		case 'h': hash = optarg; break;
		case 'p': password = optarg; break;
		case 't': seconds = strtod(optarg, NULL); break;
		case 'j': threads = strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (hash == NULL || password == NULL || threads == 0 ||
	    optind != argc)
		usage();
	data = calloc(1, sizeof(*data));
	jobs = calloc(threads, sizeof(*jobs));
	if (data == NULL || jobs == NULL) {
		perror("floor");
		return 2;
	}
	out = crypt_rn(password, hash, data, sizeof(*data));
	if (out == NULL || strcmp(out, hash) != 0) {
		fprintf(stderr, "floor: crypt() does not give the stored hash "
		    "%s\n", hash);
		free(data);
		free(jobs);
		return 1;
	}
	free(data);
	t0 = now_s();
	c0 = cpu_s();
	for (i = 0; i < threads; i++) {
		jobs[i].hash = hash;
		jobs[i].password = password;
		jobs[i].seconds = seconds;
		if (pthread_create(&jobs[i].thread, NULL, run_crypt,
		    &jobs[i]) != 0) {
			perror("floor: pthread_create");
			return 2;
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(jobs[i].thread, NULL);
		n += jobs[i].n;
		rc |= jobs[i].failed;
	}
	wall = now_s() - t0;
	cpu = cpu_s() - c0;
	free(jobs);
	if (rc != 0) {
		fprintf(stderr, "floor: crypt() failed\n");
		return 1;
	}
	/* wall: how long one call takes in its thread */
	printf("op=crypt threads=%lu n=%lu wall_us=%.2f cpu_us=%.2f\n",
	    threads, n, wall * 1e6 * (double)threads / (double)n,
	    cpu * 1e6 / (double)n);
	return 0;
}

/* select_one - execute stmt for login; 1: exactly one row, else -1 */
static int
select_one(MYSQL_STMT *stmt, const char *login)
{
	MYSQL_BIND param, result;
	char hash[1024];
	unsigned long len = 0;
	int rows = 0, rc;

	memset(&param, 0, sizeof(param));
	param.buffer_type = MYSQL_TYPE_STRING;
	param.buffer = (void *)login;
	param.buffer_length = strlen(login);
	memset(&result, 0, sizeof(result));
	result.buffer_type = MYSQL_TYPE_STRING;
	result.buffer = hash;
	result.buffer_length = sizeof(hash);
	result.length = &len;
	if (mysql_stmt_bind_param(stmt, &param) != 0 ||
	    mysql_stmt_execute(stmt) != 0 ||
	    mysql_stmt_bind_result(stmt, &result) != 0) {
		fprintf(stderr, "floor: %s\n", mysql_stmt_error(stmt));
		return -1;
	}
	while ((rc = mysql_stmt_fetch(stmt)) == 0 || rc == MYSQL_DATA_TRUNCATED)
		rows++;
	if (rc != MYSQL_NO_DATA) {
		fprintf(stderr, "floor: fetch: %s\n", mysql_stmt_error(stmt));
		return -1;
	}
	mysql_stmt_free_result(stmt);
	if (rows != 1) {
		fprintf(stderr, "floor: %d rows for %s\n", rows, login);
		return -1;
	}
	return 1;
}

/* floor_select - time one prepared SELECT on a warm connection */
static int
floor_select(int argc, char **argv)
{
	const char *sock = NULL, *dbuser = NULL, *dbpass = "", *db = NULL;
	const char *query = NULL, *prefix = NULL, *realm = "example.org";
	unsigned long users = 0, n, i;
	/* t0 is set after the warm-up; the loop reads it only then */
	double seconds = 1, t0 = 0, c0 = 0, d0 = -1, d1 = -1, wall, cpu;
	long dbpid = 0;
	uint64_t rng = (uint64_t)time(NULL) | 1;
	char login[512];
	MYSQL *mysql;
	MYSQL_STMT *stmt;
	int c, rc = 1;

	while ((c = getopt(argc, argv, "S:U:P:D:q:u:n:r:t:d:")) != -1) {
		switch (c) {
		case 'S': sock = optarg; break;
		case 'U': dbuser = optarg; break;
		case 'P': dbpass = optarg; break;
		case 'D': db = optarg; break;
		case 'q': query = optarg; break;
		case 'u': prefix = optarg; break;
		case 'n': users = strtoul(optarg, NULL, 10); break;
		case 'r': realm = optarg; break;
		case 't': seconds = strtod(optarg, NULL); break;
		case 'd': dbpid = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (sock == NULL || dbuser == NULL || db == NULL || query == NULL ||
	    prefix == NULL || users == 0 || optind != argc)
		usage();
	if ((mysql = mysql_init(NULL)) == NULL) {
		fprintf(stderr, "floor: out of memory\n");
		return 2;
	}
	if (mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4") != 0 ||
	    mysql_real_connect(mysql, NULL, dbuser, dbpass, db, 0, sock,
	    0) == NULL) {
		fprintf(stderr, "floor: %s\n", mysql_error(mysql));
		mysql_close(mysql);
		return 1;
	}
	stmt = mysql_stmt_init(mysql);
	if (stmt == NULL || mysql_stmt_prepare(stmt, query, strlen(query))) {
		fprintf(stderr, "floor: prepare: %s\n", stmt != NULL ?
		    mysql_stmt_error(stmt) : mysql_error(mysql));
		goto out;
	}
	for (n = 0; n < WARM_UP + MIN_OPS || now_s() - t0 < seconds; n++) {
		if (n == WARM_UP) {
			t0 = now_s();
			c0 = cpu_s();
			if (dbpid > 0)
				d0 = proc_cpu_s(dbpid);
		}
		rng ^= rng >> 12;
		rng ^= rng << 25;
		rng ^= rng >> 27;
		i = 1 + (rng * 0x2545F4914F6CDD1DULL >> 11) % users;
		snprintf(login, sizeof(login), "%s%lu@%s", prefix, i, realm);
		if (select_one(stmt, login) != 1)
			goto out;
	}
	wall = now_s() - t0;
	cpu = cpu_s() - c0;
	if (dbpid > 0)
		d1 = proc_cpu_s(dbpid);
	n -= WARM_UP;
	printf("op=select n=%lu wall_us=%.2f cpu_us=%.2f", n,
	    wall * 1e6 / (double)n, cpu * 1e6 / (double)n);
	if (d0 >= 0 && d1 >= 0)
		printf(" db_cpu_us=%.2f", (d1 - d0) * 1e6 / (double)n);
	printf("\n");
	rc = 0;
out:
	if (stmt != NULL)
		mysql_stmt_close(stmt);
	mysql_close(mysql);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	/* the mode's options follow it */
	if (strcmp(argv[1], "crypt") == 0)
		return floor_crypt(argc - 1, argv + 1);
	if (strcmp(argv[1], "select") == 0)
		return floor_select(argc - 1, argv + 1);
	usage();
	return 2;
}

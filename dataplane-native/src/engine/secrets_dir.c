/* secrets_dir.c: --secrets-dir: one /proc/tcp_secrets-format file per protected IP, re-read when it changes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "engine/secrets_dir.h"

#define MAX_TRACKED 4096

struct tracked {
	char ip[48];
	struct timespec mtime;
	off_t size;
	ino_t ino;
	int state; /* 0 never seen, 1 loaded, 2 missing (reported), 3 bad (reported) */
};

struct dp_secrets_dir {
	char path[4096];
	struct tracked *t;
	unsigned n;
};

struct dp_secrets_dir *dp_secrets_dir_new(const char *path)
{
	struct dp_secrets_dir *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->t = calloc(MAX_TRACKED, sizeof(*d->t));
	if (!d->t) {
		free(d);
		return NULL;
	}
	return d;
}

void dp_secrets_dir_free(struct dp_secrets_dir *d)
{
	if (d)
		free(d->t);
	free(d);
}

static struct tracked *track(struct dp_secrets_dir *d, const char *ip)
{
	for (unsigned i = 0; i < d->n; i++)
		if (!strcmp(d->t[i].ip, ip))
			return &d->t[i];
	if (d->n == MAX_TRACKED)
		return NULL;
	snprintf(d->t[d->n].ip, sizeof(d->t[d->n].ip), "%s", ip);
	return &d->t[d->n++];
}

static int load(struct dp_secrets_dir *d, struct dp_dataplane *dp, const char *file, const char *ip,
		const struct stat *st, FILE *log)
{
	struct timespec now;
	char buf[8192];
	uint64_t age_ms = 0;
	size_t n;
	FILE *f = fopen(file, "r");
	int err;

	(void)d;
	if (!f) {
		fprintf(log, "secrets: %s: %s (previous secrets kept)\n", file, strerror(errno));
		return -errno;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec > st->st_mtim.tv_sec)
		age_ms = (uint64_t)(now.tv_sec - st->st_mtim.tv_sec) * 1000;
	if (st->st_mode & 0077)
		fprintf(log, "secrets: warning: %s is readable by group/others (mode %03o); make it 0400\n", file,
			st->st_mode & 0777);
	err = dp_dataplane_set_secrets(dp, ip, buf, n, age_ms);
	if (err)
		fprintf(log, "secrets: %s: %s\n", file, dp_dataplane_last_error(dp));
	else
		fprintf(log, "secrets: loaded %s\n", file);
	return err;
}

int dp_secrets_dir_scan(struct dp_secrets_dir *d, struct dp_dataplane *dp, bool force, FILE *log)
{
	char(*ips)[48] = malloc(sizeof(*ips) * MAX_TRACKED);
	unsigned n;
	int loaded = 0;

	if (!ips)
		return -ENOMEM;
	n = dp_dataplane_host_ips(dp, ips, MAX_TRACKED);
	for (unsigned i = 0; i < n; i++) {
		struct tracked *t = track(d, ips[i]);
		char file[4200];
		struct stat st;

		if (!t)
			break;
		snprintf(file, sizeof(file), "%s/%s", d->path, ips[i]);
		if (stat(file, &st) < 0) {
			if (t->state != 2)
				fprintf(log, "secrets: %s: %s: SYNs to %s are not answered until it appears\n", file,
					strerror(errno), ips[i]);
			t->state = 2;
			continue;
		}
		if (!force && t->state != 2 && t->state != 0 && st.st_mtim.tv_sec == t->mtime.tv_sec &&
		    st.st_mtim.tv_nsec == t->mtime.tv_nsec && st.st_size == t->size && st.st_ino == t->ino)
			continue;
		t->mtime = st.st_mtim;
		t->size = st.st_size;
		t->ino = st.st_ino;
		if (load(d, dp, file, ips[i], &st, log) == 0) {
			t->state = 1;
			loaded++;
		} else {
			t->state = 3;
		}
	}
	free(ips);
	return loaded;
}

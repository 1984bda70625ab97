/* hostset.c: the dataplane's protected hosts and their secrets: set, replace and remove them (from hosts.yml, /proc
 * text or the worker protocol's typed records), each change all or nothing and in time linear in its size. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dataplane_int.h"

#define API DP_EXPORT

static int fail(struct dp_dataplane *dp, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dp->err, sizeof(dp->err), fmt, ap);
	va_end(ap);
	return rc;
}

static const struct dp_addr *entry_ip(const void *ctx, unsigned i)
{
	return &((const struct dp_host_entry *)ctx)[i].cfg.ip;
}

/* Makes parsed (taken over) the whole host set, or adds it to the current one replacing hosts with the same ip. */
static int apply_hosts(struct dp_dataplane *dp, struct dp_hosts *parsed, bool replace_all)
{
	struct dp_hosts merged = { 0 }, old;
	struct dp_addr_set named = { 0 };
	int err = 0;

	pthread_mutex_lock(&dp->lock);
	if (replace_all) {
		merged = *parsed;
	} else {
		/* existing hosts not named in the request stay; the request's entries replace or add */
		merged.v = calloc(dp->hosts.n + parsed->n + 1, sizeof(*merged.v));
		if (!merged.v || dp_addr_set_init(&named, parsed->n)) {
			free(merged.v);
			pthread_mutex_unlock(&dp->lock);
			dp_hosts_free(parsed);
			return fail(dp, -ENOMEM, "out of memory");
		}
		for (unsigned j = 0; j < parsed->n; j++)
			dp_addr_set_find(&named, &parsed->v[j].cfg.ip, (int)j, true, entry_ip, parsed->v);
		for (unsigned i = 0; i < dp->hosts.n && !err; i++) {
			if (dp_addr_set_find(&named, &dp->hosts.v[i].cfg.ip, 0, false, entry_ip, parsed->v) >= 0)
				continue;
			err = dp_host_entry_copy(&merged.v[merged.n++], &dp->hosts.v[i]);
		}
		dp_addr_set_free(&named);
		if (err) {
			dp_hosts_free(&merged);
			pthread_mutex_unlock(&dp->lock);
			dp_hosts_free(parsed);
			return fail(dp, err, "out of memory");
		}
		memcpy(merged.v + merged.n, parsed->v, parsed->n * sizeof(*merged.v));
		merged.n += parsed->n;
		free(parsed->v); /* entries (and their filter references) moved into merged */
	}
	memset(parsed, 0, sizeof(*parsed));
	old = dp->hosts;
	dp->hosts = merged;
	err = dp_dataplane_publish(dp);
	if (err) {
		dp->hosts = old;
		dp_hosts_free(&merged);
	} else {
		dp_hosts_free(&old);
	}
	pthread_mutex_unlock(&dp->lock);
	return err;
}

API int dp_dataplane_set_hosts_yaml(struct dp_dataplane *dp, const char *yaml, size_t len, const char *name,
				    int replace_all)
{
	struct dp_hosts parsed;
	int err = dp_hosts_parse(yaml, len, name && *name ? name : "hosts", &parsed, dp->err, sizeof(dp->err));

	return err ? err : apply_hosts(dp, &parsed, replace_all != 0);
}

int dp_dataplane_set_hosts_wire(struct dp_dataplane *dp, const char *buf, size_t len, bool replace_all)
{
	struct dp_hosts parsed;
	int err = dp_hosts_parse_wire(buf, len, "request", &parsed, dp->err, sizeof(dp->err));

	return err ? err : apply_hosts(dp, &parsed, replace_all);
}

API int dp_dataplane_remove_host(struct dp_dataplane *dp, const char *ip)
{
	struct dp_addr a;
	int err = -ENOENT;

	if (dp_addr_parse(ip, &a))
		return fail(dp, -EINVAL, "ip: '%s' is not an IPv4 or IPv6 address", ip);
	pthread_mutex_lock(&dp->lock);
	for (unsigned i = 0; i < dp->hosts.n; i++) {
		if (memcmp(&dp->hosts.v[i].cfg.ip, &a, sizeof(a)))
			continue;
		dp_host_entry_release(&dp->hosts.v[i]);
		dp->hosts.v[i] = dp->hosts.v[--dp->hosts.n];
		err = dp_dataplane_publish(dp);
		break;
	}
	if (err == -ENOENT)
		fail(dp, err, "ip: %s is not a configured host", ip);
	pthread_mutex_unlock(&dp->lock);
	return err;
}

int dp_dataplane_host_record(struct dp_dataplane *dp, const char *ip, char **text, size_t *len)
{
	struct dp_addr a;
	int err = -ENOENT;

	if (dp_addr_parse(ip, &a))
		return fail(dp, -EINVAL, "ip: '%s' is not an IPv4 or IPv6 address", ip);
	pthread_mutex_lock(&dp->lock);
	for (unsigned i = 0; i < dp->hosts.n && err == -ENOENT; i++)
		if (!memcmp(&dp->hosts.v[i].cfg.ip, &a, sizeof(a))) {
			*text = dp_host_render_wire(&dp->hosts.v[i], dp_now_ns(), len);
			err = *text ? 0 : -ENOMEM;
		}
	pthread_mutex_unlock(&dp->lock);
	if (err)
		return fail(dp, err, err == -ENOENT ? "ip: %s is not a configured host" : "out of memory", ip);
	return 0;
}

API int dp_dataplane_remove_all_hosts(struct dp_dataplane *dp)
{
	int err;

	pthread_mutex_lock(&dp->lock);
	dp_hosts_free(&dp->hosts);
	err = dp_dataplane_publish(dp);
	pthread_mutex_unlock(&dp->lock);
	return err;
}

static const struct dp_addr *secrets_ip(const void *ctx, unsigned i)
{
	return &((const struct dp_secrets_slot *)ctx)[i].ip;
}

static void reindex_secrets(struct dp_dataplane *dp)
{
	memset(dp->secrets_idx.slot, 0, (dp->secrets_idx.mask + 1) * sizeof(*dp->secrets_idx.slot));
	for (unsigned i = 0; i < dp->n_secrets; i++)
		dp_addr_set_find(&dp->secrets_idx, &dp->secrets[i].ip, (int)i, true, secrets_ip, dp->secrets);
}

/* Room for n more secrets, the ip index kept at most half full. Called with dp->lock held. */
static int reserve_secrets(struct dp_dataplane *dp, unsigned n)
{
	unsigned need = dp->n_secrets + n, cap = dp->cap_secrets;
	struct dp_addr_set idx;
	struct dp_secrets_slot *p;

	if (need <= cap && dp->secrets_idx.slot)
		return 0;
	while (cap < need)
		cap = cap ? cap * 2 : 16;
	p = calloc(cap, sizeof(*p)); /* not realloc: the old copy is wiped, never left behind in freed memory */
	if (!p || dp_addr_set_init(&idx, cap)) {
		free(p);
		return -ENOMEM;
	}
	if (dp->secrets) {
		memcpy(p, dp->secrets, dp->n_secrets * sizeof(*p));
		explicit_bzero(dp->secrets, dp->cap_secrets * sizeof(*p));
		free(dp->secrets);
	}
	dp->secrets = p;
	dp->cap_secrets = cap;
	dp_addr_set_free(&dp->secrets_idx);
	dp->secrets_idx = idx;
	reindex_secrets(dp);
	return 0;
}

/* Installs the records' secrets and publishes once; on failure the previous secrets stay (an undo log of the
 * replaced ones keeps this linear in the request, whatever the number of hosts). */
static int apply_secrets(struct dp_dataplane *dp, const struct dp_secrets_rec *r, unsigned n)
{
	struct undo {
		unsigned i;
		struct dp_secrets_file file;
	} * undo;
	unsigned old_n, n_undo = 0;
	int err;

	pthread_mutex_lock(&dp->lock);
	undo = reserve_secrets(dp, n) ? NULL : malloc((n + 1) * sizeof(*undo));
	if (!undo) {
		pthread_mutex_unlock(&dp->lock);
		return fail(dp, -ENOMEM, "out of memory");
	}
	old_n = dp->n_secrets;
	for (unsigned j = 0; j < n; j++) {
		int i = dp_addr_set_find(&dp->secrets_idx, &r[j].ip, (int)dp->n_secrets, true, secrets_ip, dp->secrets);

		if (i < 0) {
			i = (int)dp->n_secrets++;
			dp->secrets[i].ip = r[j].ip;
		} else {
			undo[n_undo].i = (unsigned)i;
			undo[n_undo++].file = dp->secrets[i].file;
		}
		dp->secrets[i].file = r[j].file;
	}
	err = dp_dataplane_publish(dp);
	if (err) {
		for (unsigned u = n_undo; u-- > 0;)
			dp->secrets[undo[u].i].file = undo[u].file;
		explicit_bzero(dp->secrets + old_n, (dp->n_secrets - old_n) * sizeof(*dp->secrets));
		dp->n_secrets = old_n;
		reindex_secrets(dp);
	}
	explicit_bzero(undo, (n + 1) * sizeof(*undo));
	free(undo);
	pthread_mutex_unlock(&dp->lock);
	return err;
}

API int dp_dataplane_set_secrets(struct dp_dataplane *dp, const char *ip, const char *text, size_t len,
				 uint64_t sample_age_ms)
{
	struct dp_secrets_rec r;
	char why[200];
	int err;

	if (dp_addr_parse(ip, &r.ip))
		return fail(dp, -EINVAL, "ip: '%s' is not an IPv4 or IPv6 address", ip);
	err = dp_secrets_parse(text, len, sample_age_ms * 1000000ull, &r.file, why, sizeof(why));
	if (err)
		return fail(dp, err, "secrets of %s: %s (previous secrets kept)", ip, why);
	err = apply_secrets(dp, &r, 1);
	explicit_bzero(&r, sizeof(r));
	return err;
}

int dp_dataplane_set_secrets_wire(struct dp_dataplane *dp, const char *buf, size_t len)
{
	struct dp_secrets_rec *r;
	char why[200];
	unsigned n;
	int err = dp_secrets_parse_wire(buf, len, &r, &n, why, sizeof(why));

	if (err)
		return fail(dp, err, "secrets: %s (previous secrets kept)", why);
	err = apply_secrets(dp, r, n);
	explicit_bzero(r, n * sizeof(*r));
	free(r);
	return err;
}

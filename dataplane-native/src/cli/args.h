/* args.h: strict "--name value" option parsing for syncookied-dp subcommands (one-line errors naming the field). */
#ifndef DP_CLI_ARGS_H
#define DP_CLI_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#define DP_ARGS_MAX 16

/* A command's accepted options; after dp_args_parse, value[i] is the argument of name[i] or NULL. */
struct dp_args {
	const char *cmd;
	const char *name[DP_ARGS_MAX]; /* without the leading "--"; NULL-terminated */
	const char *value[DP_ARGS_MAX];
};

/* Each returns true on success; on failure prints "syncookied-dp <cmd>: <reason naming --field>" to stderr. */
bool dp_args_parse(struct dp_args *a, int argc, char **argv);
const char *dp_args_get(const struct dp_args *a, const char *name); /* required: NULL + error when missing */
/* A whole number in base 10 or 16 up to max: no sign, no spaces, nothing after it (strtoull alone takes a sign and
 * wraps). */
bool dp_parse_unsigned(const char *s, int base, uint64_t max, uint64_t *out);
bool dp_args_u32(const struct dp_args *a, const char *name, uint32_t *out);
bool dp_args_u64(const struct dp_args *a, const char *name, uint64_t *out);
bool dp_args_port(const struct dp_args *a, const char *name, uint16_t *out);
bool dp_args_bool01(const struct dp_args *a, const char *name, bool *out);
bool dp_args_key(const struct dp_args *a, const char *name, uint64_t out[2]);
bool dp_args_ip4(const struct dp_args *a, const char *name, uint8_t out[4]);
bool dp_args_ip6(const struct dp_args *a, const char *name, uint8_t out[16]);
void dp_args_error(const struct dp_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* DP_CLI_ARGS_H */

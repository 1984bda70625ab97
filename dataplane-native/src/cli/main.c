/* main.c: syncookied-dp entry point: a table of subcommands; each owner adds the line for its own command. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Commands living in other files are weak references: a missing file leaves the command out, not the build. */
int dp_cli_bench(int argc, char **argv) __attribute__((weak));
int dp_cli_run(int argc, char **argv) __attribute__((weak));
/* io's engine says which backends this build really has (include/syncookied/dataplane.h). */
const char *dp_dataplane_backends(void) __attribute__((weak));

static const struct dp_cli_command commands[] = {
	{ "cookie4", dp_cli_cookie4, "make an IPv4 SYN cookie (kernel-exact)" },
	{ "check4", dp_cli_check4, "check an IPv4 cookie carried by an ACK" },
	{ "cookie6", dp_cli_cookie6, "make an IPv6 SYN cookie (kernel-exact)" },
	{ "check6", dp_cli_check6, "check an IPv6 cookie carried by an ACK" },
	{ "tsval", dp_cli_tsval, "TSval of a cookie SYN-ACK (clock, option bits, tsoff)" },
	{ "tsoff4", dp_cli_tsoff4, "per-connection IPv4 timestamp offset" },
	{ "tsoff6", dp_cli_tsoff6, "per-connection IPv6 timestamp offset" },
	{ "bench", dp_cli_bench, "dataplane core benchmark (one JSON line)" },
	{ "run", dp_cli_run, "run the dataplane on interfaces" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: syncookied-dp <command> [options]\n       syncookied-dp --version\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].fn)
			fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return DP_CLI_EBADARG;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("syncookied-dp %s\nbackends: %s\n", DP_VERSION,
		       dp_dataplane_backends ? dp_dataplane_backends() : DP_BACKENDS);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].fn && !strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "syncookied-dp: unknown command '%s' (try --help)\n", argv[1]);
	return DP_CLI_EBADARG;
}

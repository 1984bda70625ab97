/* cli.h: the subcommand table entry and the shared argument helpers of syncookied-dp. */
#ifndef DP_CLI_H
#define DP_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit status for any bad argument (one-line error naming it on stderr). */
#define DP_CLI_EBADARG 2

struct dp_cli_command {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the command name */
	const char *help;
};

int dp_cli_cookie4(int argc, char **argv);
int dp_cli_check4(int argc, char **argv);
int dp_cli_cookie6(int argc, char **argv);
int dp_cli_check6(int argc, char **argv);
int dp_cli_tsval(int argc, char **argv);
int dp_cli_tsoff4(int argc, char **argv);
int dp_cli_tsoff6(int argc, char **argv);

#endif /* DP_CLI_H */

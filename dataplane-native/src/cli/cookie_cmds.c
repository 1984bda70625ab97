/* cookie_cmds.c: syncookied-dp cookie4/check4/cookie6/check6/tsval/tsoff4/tsoff6. */
#include <stdio.h>
#include "cli.h"

int dp_cli_cookie4(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "not yet\n"); return 1; }
int dp_cli_check4(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int dp_cli_cookie6(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int dp_cli_check6(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int dp_cli_tsval(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int dp_cli_tsoff4(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int dp_cli_tsoff6(int argc, char **argv) { (void)argc; (void)argv; return 1; }

/* secrets_dir.h: watches DIR/<protected-ip> secrets files and feeds changes to a dataplane. */
#ifndef DP_SECRETS_DIR_H
#define DP_SECRETS_DIR_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/control.h"

struct dp_secrets_dir;

struct dp_secrets_dir *dp_secrets_dir_new(const char *path);
void dp_secrets_dir_free(struct dp_secrets_dir *d);
/* Loads the files of every configured host that changed since the last scan (all of them with force).
 * Problems are logged and keep the previous secrets. Returns how many files were loaded. */
int dp_secrets_dir_scan(struct dp_secrets_dir *d, struct dp_dataplane *dp, bool force, FILE *log);

#endif

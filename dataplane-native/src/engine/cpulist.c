/* cpulist.c: CPU lists as taskset and /sys write them ("0-3,6"), for the workers' --cpus. */
#include <errno.h>
#include <stdlib.h>

#include "engine/engine.h"

int dp_cpulist_parse(const char *s, int *cpus, unsigned max, unsigned *n)
{
	*n = 0;
	while (*s) {
		char *end;
		long a = strtol(s, &end, 10), b;

		if (end == s || a < 0 || a > 4095)
			return -EINVAL;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b > 4095)
				return -EINVAL;
		}
		for (long c = a; c <= b; c++) {
			if (*n == max)
				return -E2BIG;
			cpus[(*n)++] = (int)c;
		}
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		s = end;
	}
	return 0;
}

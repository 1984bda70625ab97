/* clock.c: the engine's one clock: CLOCK_MONOTONIC, the time base of the core's now_ns and the clock samples. */
#include <time.h>

#include "engine/engine.h"

uint64_t dp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* proc-relay.c: the host side of the lab's guest /proc relay.
 *
 *   proc-relay DIR LOG < STREAM
 *
 * STREAM is what the guest's lab-snapd pushes through its virtio-serial port: frames of busybox `head` output
 * ("==> path <==" before each file, a blank line between files) closed by a line "==> END <==". For every complete
 * frame, each file is written to DIR/.staging/path and renamed over DIR/path, so a reader of DIR (the host agent,
 * --proc-root DIR) never sees half a file. Paths must be relative, without "..", and their directory must already
 * exist under DIR and DIR/.staging; a frame with a bad path, without sys/kernel/hostname (the last file) or larger
 * than the buffer is dropped whole and counted.
 *
 * LOG gets one CSV line per frame: first_byte_ms,end_ms,written_ms,bytes,status (CLOCK_REALTIME ms; status ok or
 * the reason it was dropped), so the relay's own share of the data's age (transfer + write) is measured, not
 * guessed. Runs until EOF or SIGTERM/SIGINT. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX (1u << 20)
#define PATH_MAX_LEN 200

static const char END_LINE[] = "==> END <==";

static char frame[FRAME_MAX];
static size_t frame_len;
static int frame_overflow;
static uint64_t frame_first_ms;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* "==> name <==" -> name (in place), or NULL */
static char *header_name(char *line, size_t len)
{
	if (len < 9 || strncmp(line, "==> ", 4) != 0 || strncmp(line + len - 4, " <==", 4) != 0)
		return NULL;
	line[len - 4] = '\0';
	return line + 4;
}

static int safe_path(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || n > PATH_MAX_LEN || p[0] == '/' || strstr(p, ".."))
		return 0;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-' || *p == '.' || *p == '/'))
			return 0;
	return 1;
}

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char tmp[PATH_MAX_LEN + 256], dst[PATH_MAX_LEN + 256];
	int fd;
	ssize_t w;

	snprintf(tmp, sizeof(tmp), "%s/.staging/%s", dir, name);
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	while (len > 0) {
		w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	if (close(fd) < 0)
		return -1;
	return rename(tmp, dst);
}

struct section {
	char *name;
	char *data;
	size_t len;
};

/* Splits the frame (everything before the END line) into sections and writes them; returns a status word. */
static const char *publish(const char *dir)
{
	static struct section s[64];
	size_t n = 0, i, pos = 0;
	int hostname = 0;

	while (pos < frame_len) {
		char *line = frame + pos, *nl = memchr(line, '\n', frame_len - pos), *name;
		size_t len = nl ? (size_t)(nl - line) : frame_len - pos;

		pos += len + 1;
		name = header_name(line, len);
		if (name) {
			if (n == sizeof(s) / sizeof(s[0]))
				return "too-many-files";
			if (!safe_path(name))
				return "bad-path";
			/* head separates files with one blank line: it belongs to no file */
			if (n > 0 && s[n - 1].len >= 2 && s[n - 1].data[s[n - 1].len - 1] == '\n' &&
			    s[n - 1].data[s[n - 1].len - 2] == '\n')
				s[n - 1].len--;
			s[n].name = name;
			s[n].data = frame + pos;
			s[n].len = 0;
			hostname |= strcmp(name, "sys/kernel/hostname") == 0;
			n++;
		} else if (n > 0) {
			s[n - 1].len += len + (nl ? 1 : 0);
		}
	}
	if (!hostname)
		return "incomplete";
	for (i = 0; i < n; i++)
		if (write_file(dir, s[i].name, s[i].data, s[i].len) < 0)
			return "write-failed";
	return "ok";
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static char buf[65536], line[8192];
	size_t line_len = 0;
	FILE *log;
	struct sigaction sa = { .sa_handler = on_signal };

	if (argc != 3) {
		fprintf(stderr, "usage: proc-relay DIR LOG < STREAM\n");
		return 2;
	}
	log = fopen(argv[2], "a");
	if (!log) {
		perror(argv[2]);
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fprintf(log, "first_byte_ms,end_ms,written_ms,bytes,status\n");
	fflush(log);
	while (!stop) {
		ssize_t r = read(0, buf, sizeof(buf)), i;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (i = 0; i < r; i++) {
			char c = buf[i];

			if (frame_len == 0 && line_len == 0)
				frame_first_ms = now_ms();
			if (c != '\n') {
				if (line_len < sizeof(line))
					line[line_len++] = c;
				continue;
			}
			if (line_len == sizeof(END_LINE) - 1 && memcmp(line, END_LINE, line_len) == 0) {
				uint64_t end = now_ms();
				const char *status = frame_overflow ? "too-large" : publish(argv[1]);

				fprintf(log, "%llu,%llu,%llu,%zu,%s\n", (unsigned long long)frame_first_ms,
					(unsigned long long)end, (unsigned long long)now_ms(), frame_len, status);
				fflush(log);
				frame_len = 0;
				frame_overflow = 0;
			} else if (line_len >= sizeof(line) || frame_len + line_len + 1 > FRAME_MAX) {
				frame_overflow = 1;
			} else {
				memcpy(frame + frame_len, line, line_len);
				frame[frame_len + line_len] = '\n';
				frame_len += line_len + 1;
			}
			line_len = 0;
		}
	}
	fclose(log);
	return 0;
}

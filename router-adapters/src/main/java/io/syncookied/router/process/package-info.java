/** Running one device command as a child process (or, for Linux routers, over SSH) and collecting its output. */
@NullMarked
package io.syncookied.router.process;

import org.jspecify.annotations.NullMarked;

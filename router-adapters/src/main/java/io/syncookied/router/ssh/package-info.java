@NullMarked
package io.syncookied.router.ssh;

import org.jspecify.annotations.NullMarked;

@NullMarked
package io.syncookied.router.linux;

import org.jspecify.annotations.NullMarked;

@NullMarked
package io.syncookied.router.junos;

import org.jspecify.annotations.NullMarked;

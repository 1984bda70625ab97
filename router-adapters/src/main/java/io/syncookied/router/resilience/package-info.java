@NullMarked
package io.syncookied.router.resilience;

import org.jspecify.annotations.NullMarked;

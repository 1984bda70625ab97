@NullMarked
package io.syncookied.router.cli;

import org.jspecify.annotations.NullMarked;

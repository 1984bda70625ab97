@NullMarked
package io.syncookied.router.snmp;

import org.jspecify.annotations.NullMarked;

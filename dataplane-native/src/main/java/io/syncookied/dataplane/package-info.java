/**
 * The dataplane's Java binding: the {@link io.syncookied.dataplane.Dataplane} control interface with its records,
 * the worker-process client ({@link io.syncookied.dataplane.SocketDataplane}) and its launcher/supervisor
 * ({@link io.syncookied.dataplane.DataplaneWorker}).
 */
package io.syncookied.dataplane;

/** Implementation details of the planners; not an API, may change without notice. */
package io.telos.planner.internal;

/**
 * OCI bundles on the host: {@link dev.jkata.runtime.oci.OciBundle#load} parses {@code config.json}
 * into the agent API's {@code grpc.Spec}; errors name the file and the JSON line/column or path.
 */
package dev.jkata.runtime.oci;

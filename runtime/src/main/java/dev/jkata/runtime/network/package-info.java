/**
 * Pod networking on the host, as Kata's {@code internetworking_model = "tcfilter"}: read the pod's
 * network namespace, create a tap per interface, mirror traffic between them with tc, hand the taps to
 * the VM and tell the agent the interface, route and neighbour settings.
 */
package dev.jkata.runtime.network;

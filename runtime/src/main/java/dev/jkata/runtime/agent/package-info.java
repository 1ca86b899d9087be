/**
 * The host's client of the kata agent: {@link dev.jkata.runtime.agent.AgentClient} (one typed method
 * per {@code grpc.AgentService}/{@code grpc.Health} RPC, deadlines from
 * {@link dev.jkata.runtime.agent.AgentTimeouts}, every failure an
 * {@link dev.jkata.runtime.agent.AgentException} with the ttrpc status code) and the dial that waits
 * for a booting guest on any {@link dev.jkata.hypervisor.AgentEndpoint}.
 */
package dev.jkata.runtime.agent;

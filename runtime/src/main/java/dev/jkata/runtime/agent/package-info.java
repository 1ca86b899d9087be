/** Runtime: agent. */
package dev.jkata.runtime.agent;

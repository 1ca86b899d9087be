/** Runtime: state. */
package dev.jkata.runtime.state;

/** Runtime: sandbox. */
package dev.jkata.runtime.sandbox;

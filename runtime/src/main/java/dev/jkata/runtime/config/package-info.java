/** Runtime: config. */
package dev.jkata.runtime.config;

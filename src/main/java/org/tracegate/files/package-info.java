/**
 * The server's own files, created out of programs' reach (modes 0750, 0640, 0600). A leaf: JDK only, every
 * package may use it.
 */
package org.tracegate.files;

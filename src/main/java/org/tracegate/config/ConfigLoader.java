package org.tracegate.config;
import java.nio.file.Path;
public final class ConfigLoader { public static ServerConfig load(Path p) throws ConfigException { throw new ConfigException("stub"); } }

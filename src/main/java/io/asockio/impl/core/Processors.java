package io.asockio.impl.core;

import io.asockio.api.InlineProcessor;
import io.asockio.config.ConfigException;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.function.Supplier;

/** Processor classes named in the config, to suppliers of new instances. */
public final class Processors {

  private Processors() {
  }

  /** A supplier of new {@code className} instances; a {@link ConfigException} on {@code key} when it cannot be one. */
  public static Supplier<? extends InlineProcessor> resolve(String className, String key) {
    try {
      Class<?> type = Class.forName(className);
      if (!InlineProcessor.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
        throw new ConfigException(key, className + " is not a concrete subclass of " + InlineProcessor.class.getName());
      }
      Constructor<? extends InlineProcessor> constructor = type.asSubclass(InlineProcessor.class).getConstructor();
      return () -> {
        try {
          return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot create processor " + className, e);
        }
      };
    } catch (ClassNotFoundException e) {
      throw new ConfigException(key, "class " + className + " not found");
    } catch (NoSuchMethodException e) {
      throw new ConfigException(key, className + " has no public no-argument constructor");
    }
  }
}

package dev.autocert.spring;

/** The Spring Boot line this build of the starter names the types of (src/boot3). */
final class BootLine {

    /** Boot's major.minor this build is for. */
    static final String BUILT_FOR = "3.5";

    private BootLine() {
    }
}

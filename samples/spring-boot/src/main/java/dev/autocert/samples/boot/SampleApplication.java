package dev.autocert.samples.boot;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Profile;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Boot web application that gets its certificate from the starter and three properties
 * ({@code autocert.domains}, {@code autocert.accept-terms}, {@code autocert.email}): no keystore, no
 * {@code server.ssl.*}. With the Spring profile {@code secured} every request needs a login (a login page), and
 * the CA's HTTP-01 requests are still answered: Autocert answers them ahead of every filter.
 */
@SpringBootApplication
@RestController
public class SampleApplication {

    /** @param args Boot's arguments, e.g. {@code --autocert.domains=example.com} */
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

    /**
     * @param request the request
     * @return a greeting naming the scheme it came over
     */
    @GetMapping("/")
    public String hello(HttpServletRequest request) {
        return "hello from Spring Boot over " + request.getScheme() + "\n";
    }

    /** Without the {@code secured} profile: everything open (the actuator endpoints too, for the tests). */
    @Bean
    @Profile("!secured")
    SecurityFilterChain open(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable()).build();
    }

    /** With the {@code secured} profile: authentication everywhere, with a login page. */
    @Bean
    @Profile("secured")
    SecurityFilterChain secured(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().authenticated()).formLogin(Customizer.withDefaults()).build();
    }
}

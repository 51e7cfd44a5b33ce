package dev.autocert.diagnose;

/** A failure that has already been explained. */
public final class DiagnosedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Diagnosis diagnosis;

    /**
     * @param diagnosis the explanation
     * @param cause     the underlying exception, kept for debug logs
     */
    public DiagnosedException(Diagnosis diagnosis, Throwable cause) {
        super(diagnosis.message(), cause);
        this.diagnosis = diagnosis;
    }

    /** @return the explanation */
    public Diagnosis diagnosis() {
        return diagnosis;
    }
}

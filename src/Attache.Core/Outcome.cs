using System.Diagnostics.CodeAnalysis;

namespace Attache.Core;

/// <summary>Either a value or a <see cref="Failure"/>; what every core service returns.</summary>
public readonly struct Outcome<T>
{
    private readonly T? _value;

    private Outcome(T? value, Failure? failure)
    {
        _value = value;
        Failure = failure;
    }

    public Failure? Failure { get; }

    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Failure is null;

    public T Value => Failure is null ? _value! : throw new InvalidOperationException($"The outcome failed: {Failure}");

    /// <summary>True with the value on success (null only where <typeparamref name="T"/> allows it), false with the failure.</summary>
    public bool TryGetValue([MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out Failure? failure)
    {
        value = _value!;
        failure = Failure;
        return Failure is null;
    }

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Failure failure) => new(default, failure ?? throw new ArgumentNullException(nameof(failure)));

    public Outcome<TOther> Map<TOther>(Func<T, TOther> map) => Failure is null ? map(_value!) : Failure;
}

public static class Outcome
{
    /// <summary>A successful outcome, for values whose static type is an interface (which cannot convert implicitly).</summary>
    public static Outcome<T> Of<T>(T value) => value;
}

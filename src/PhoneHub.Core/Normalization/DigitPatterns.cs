using System.Numerics;
using System.Text.RegularExpressions;

namespace PhoneHub.Normalization;

/// <summary>
/// A set of libphonenumber number patterns matched against digit strings: read straight from the pattern text for the
/// first few numbers, then through a <see cref="DigitAutomaton"/> built once the patterns are in use.
/// </summary>
/// <remarks>
/// Building the automaton (and, in a new process, compiling its code) costs more than checking a handful of numbers
/// directly. So the first <see cref="WarmUses"/> numbers are checked by <see cref="Evaluate"/>, which walks the
/// pattern text once per pattern with the set of positions reached as a bit mask (no parse tree, no allocation, a
/// few small methods), and only a set of patterns that keeps being used gets its automaton. Both give the answers of
/// .NET's regular expressions for these patterns (the tests hold both to them); a pattern outside the digit subset
/// both understand falls back to a regular expression.
/// </remarks>
internal sealed class DigitPatterns
{
    /// <summary>How many matches are made from the text before the automaton is built.</summary>
    internal const int WarmUses = 8;

    private readonly string?[] _patterns;
    private readonly bool _prefix;
    private DigitAutomaton? _automaton;
    private Regex?[]? _regexes;
    private int _uses;

    /// <summary>Patterns to match in full, or one pattern (<paramref name="prefix"/>) to match at the start of the digits.</summary>
    public DigitPatterns(string?[] patterns, bool prefix = false)
    {
        _patterns = patterns;
        _prefix = prefix;
    }

    /// <summary>Which of the patterns in <paramref name="wanted"/> match all of <paramref name="digits"/> (bit <c>i</c> for pattern <c>i</c>).</summary>
    public uint MatchAll(ReadOnlySpan<char> digits, uint wanted)
    {
        if (_automaton is { } automaton)
        {
            return automaton.MatchAll(digits) & wanted;
        }

        if (_regexes is null && Interlocked.Increment(ref _uses) <= WarmUses && digits.Length < 63)
        {
            uint matched = 0;
            for (var i = 0; i < _patterns.Length; i++)
            {
                if ((wanted & (1u << i)) != 0 && _patterns[i] is { } pattern && Evaluate(pattern, digits) is { } ends)
                {
                    matched |= (uint)((ends >> digits.Length) & 1) << i;
                }
                else if ((wanted & (1u << i)) != 0 && _patterns[i] is not null)
                {
                    return MatchWithRegex(digits, wanted);
                }
            }

            return matched;
        }

        return Automaton() is { } built ? built.MatchAll(digits) & wanted : MatchWithRegex(digits, wanted);
    }

    /// <summary>Whether the first pattern matches a beginning of <paramref name="digits"/> (a regex anchored only at the start).</summary>
    public bool MatchesBeginning(ReadOnlySpan<char> digits)
    {
        if (_automaton is { } automaton)
        {
            return automaton.MatchesBeginning(digits);
        }

        if (_regexes is null && Interlocked.Increment(ref _uses) <= WarmUses && digits.Length < 63 && Evaluate(_patterns[0]!, digits) is { } ends)
        {
            return ends != 0;
        }

        return Automaton() is { } built ? built.MatchesBeginning(digits) : Regexes()[0]!.IsMatch(digits);
    }

    /// <summary>
    /// The positions of <paramref name="digits"/> at which a match of <paramref name="pattern"/> from the start can
    /// end (bit <c>p</c>: the first <c>p</c> digits match), or <see langword="null"/> when the pattern uses syntax
    /// outside the digit subset or <paramref name="digits"/> holds a non-digit.
    /// </summary>
    internal static ulong? Evaluate(string pattern, ReadOnlySpan<char> digits)
    {
        var evaluator = new Evaluator(pattern, digits);
        try
        {
            var ends = evaluator.Choice(1);
            return evaluator.Position == pattern.Length ? ends : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private DigitAutomaton? Automaton()
    {
        if (_regexes is not null)
        {
            return null;
        }

        var created = DigitAutomaton.TryCreate(_patterns);
        if (created is null)
        {
            Regexes();
            return null;
        }

        return Interlocked.CompareExchange(ref _automaton, created, null) ?? created;
    }

    private uint MatchWithRegex(ReadOnlySpan<char> digits, uint wanted)
    {
        var regexes = Regexes();
        uint matched = 0;
        for (var i = 0; i < regexes.Length; i++)
        {
            if ((wanted & (1u << i)) != 0 && regexes[i]?.IsMatch(digits) == true)
            {
                matched |= 1u << i;
            }
        }

        return matched;
    }

    private Regex?[] Regexes() => _regexes ??=
        _patterns.Select(p => p is null ? null : new Regex("^(?:" + p + (_prefix ? ")" : ")$"), RegexOptions.CultureInvariant)).ToArray();

    /// <summary>
    /// Walks a pattern once, carrying the set of digit positions reached (bit <c>p</c>: position <c>p</c>) instead of
    /// backtracking. A repeated item is walked again from its text for each repetition. Few, larger methods: in a new
    /// process this runs before the JIT has optimized anything, and each method is compiled on its first call.
    /// </summary>
    private ref struct Evaluator(string pattern, ReadOnlySpan<char> digits)
    {
        private readonly string _pattern = pattern;
        private readonly ReadOnlySpan<char> _digits = digits;
        private int _pos;

        public readonly int Position => _pos;

        public ulong Choice(ulong starts)
        {
            var ends = Sequence(starts);
            while (_pos < _pattern.Length && _pattern[_pos] == '|')
            {
                _pos++;
                ends |= Sequence(starts);
            }

            return ends;
        }

        private ulong Sequence(ulong starts)
        {
            while (_pos < _pattern.Length && _pattern[_pos] is not '|' and not ')')
            {
                starts = Repeat(starts);
            }

            return starts;
        }

        private ulong Repeat(ulong starts)
        {
            var itemStart = _pos;
            var once = Atom(starts);
            if (_pos >= _pattern.Length || _pattern[_pos] is not ('?' or '*' or '+' or '{'))
            {
                return once;
            }

            int min, max;
            var q = _pattern[_pos++];
            if (q == '{')
            {
                min = Number();
                max = min;
                if (_pos < _pattern.Length && _pattern[_pos] == ',')
                {
                    _pos++;
                    max = _pos < _pattern.Length && _pattern[_pos] == '}' ? -1 : Number();
                }

                if (_pos >= _pattern.Length || _pattern[_pos++] != '}' || (max >= 0 && max < min))
                {
                    throw new FormatException("Bad repetition.");
                }
            }
            else
            {
                (min, max) = q == '?' ? (0, 1) : q == '*' ? (0, -1) : (1, -1);
            }

            if (_pos < _pattern.Length && _pattern[_pos] is '?' or '*' or '+' or '{')
            {
                if (_pattern[_pos] != '?')
                {
                    throw new FormatException("Nested quantifier."); // only a lazy mark may follow
                }

                _pos++;
            }

            var after = _pos;
            var current = starts;
            for (var i = 0; i < min; i++)
            {
                _pos = itemStart;
                current = Atom(current);
            }

            var result = current;
            for (var i = min; (max < 0 || i < max) && current != 0; i++)
            {
                _pos = itemStart;
                current = Atom(current);
                if ((result | current) == result)
                {
                    break; // nothing new: more repetitions cannot reach new positions
                }

                result |= current;
            }

            _pos = after;
            return result;
        }

        private ulong Atom(ulong starts)
        {
            if (_pos >= _pattern.Length)
            {
                throw new FormatException("Pattern ends early.");
            }

            var c = _pattern[_pos++];
            int mask;
            switch (c)
            {
                case >= '0' and <= '9':
                    mask = 1 << (c - '0');
                    break;
                case '\\':
                    if (_pos >= _pattern.Length || _pattern[_pos++] != 'd')
                    {
                        throw new FormatException("Unsupported escape.");
                    }

                    mask = 0x3FF;
                    break;
                case '[':
                    mask = Class();
                    break;
                case '(':
                    if (_pos < _pattern.Length && _pattern[_pos] == '?')
                    {
                        if (++_pos >= _pattern.Length || _pattern[_pos++] != ':')
                        {
                            throw new FormatException("Unsupported group.");
                        }
                    }

                    var inner = Choice(starts);
                    if (_pos >= _pattern.Length || _pattern[_pos++] != ')')
                    {
                        throw new FormatException("Unclosed group.");
                    }

                    return inner;
                default:
                    throw new FormatException("Unsupported pattern syntax.");
            }

            // One digit of the set, from every position reached.
            ulong ends = 0;
            while (starts != 0)
            {
                var p = BitOperations.TrailingZeroCount(starts);
                starts &= starts - 1;
                if (p < _digits.Length)
                {
                    var d = _digits[p] - '0';
                    if ((uint)d > 9)
                    {
                        throw new FormatException("Not a digit.");
                    }

                    if ((mask & (1 << d)) != 0)
                    {
                        ends |= 1UL << (p + 1);
                    }
                }
            }

            return ends;
        }

        private int Class()
        {
            var negate = _pos < _pattern.Length && _pattern[_pos] == '^';
            if (negate)
            {
                _pos++;
            }

            var mask = 0;
            var first = true;
            while (_pos < _pattern.Length && (_pattern[_pos] != ']' || first))
            {
                first = false;
                var c = _pattern[_pos++];
                if (c == '\\')
                {
                    if (_pos >= _pattern.Length || _pattern[_pos++] != 'd')
                    {
                        throw new FormatException("Unsupported escape.");
                    }

                    mask |= 0x3FF;
                    continue;
                }

                if (c is < '0' or > '9')
                {
                    throw new FormatException("Unsupported class member.");
                }

                var last = c;
                if (_pos + 1 < _pattern.Length && _pattern[_pos] == '-' && _pattern[_pos + 1] != ']')
                {
                    last = _pattern[_pos + 1];
                    _pos += 2;
                    if (last is < '0' or > '9' || last < c)
                    {
                        throw new FormatException("Bad range.");
                    }
                }

                for (var d = c; d <= last; d++)
                {
                    mask |= 1 << (d - '0');
                }
            }

            if (_pos >= _pattern.Length || _pattern[_pos++] != ']')
            {
                throw new FormatException("Unclosed class.");
            }

            return negate ? ~mask & 0x3FF : mask;
        }

        private int Number()
        {
            var value = 0;
            var start = _pos;
            while (_pos < _pattern.Length && _pattern[_pos] is >= '0' and <= '9' && _pos - start < 3)
            {
                value = (value * 10) + (_pattern[_pos++] - '0');
            }

            return _pos == start ? throw new FormatException("Bad number in repetition.") : value;
        }
    }
}

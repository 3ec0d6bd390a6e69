using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneHub.Stores.Sqlite;

namespace PhoneHub.Tests.Infrastructure;

/// <summary>A real SQLite database in a temporary file, deleted on dispose.</summary>
public sealed class TempSqliteDatabase : IDisposable
{
    public TempSqliteDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "phonehub-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        FilePath = Path.Combine(Directory, "phonehub.db");
        ConnectionString = $"Data Source={FilePath}";
        Database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { ConnectionString = ConnectionString }), NullLogger<SqliteDatabase>.Instance);
    }

    public string Directory { get; }

    public string FilePath { get; }

    public string ConnectionString { get; }

    internal SqliteDatabase Database { get; }

    /// <summary>Every byte of the database and its WAL, after a checkpoint.</summary>
    public byte[] ReadAllBytes()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var bytes = new List<byte>(File.ReadAllBytes(FilePath));
        foreach (var extra in new[] { FilePath + "-wal", FilePath + "-shm" })
        {
            if (File.Exists(extra))
            {
                bytes.AddRange(File.ReadAllBytes(extra));
            }
        }

        return [.. bytes];
    }

    public void Dispose()
    {
        Database.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle may linger on some platforms; the temp folder is cleaned by the OS.
        }
    }
}

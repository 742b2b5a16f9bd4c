Jepa.Runtime.LibStdCxxFix.Ensure();
return 0;
